"""Opens ismap's workbooks with openpyxl, a reader that is not ours, and checks what a clerk
would see: the sheets, the header row, frozen panes and filters. Usage: check-xlsx.py DIR"""
import sys
from pathlib import Path

import openpyxl

def check(path: Path, first_sheet: str, header: list[str]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    assert book.sheetnames[0] == first_sheet, (path, book.sheetnames)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_row = next(i for i, r in enumerate(rows) if r[: len(header)] == header)
    assert sheet.freeze_panes is not None, (path, "no frozen header")
    assert sheet.auto_filter.ref, (path, "no filter")
    print(f"{path.name}: sheets {book.sheetnames[:3]}… ({len(book.sheetnames)}), "
          f"{len(rows) - header_row - 1} data rows, header at row {header_row + 1}")

out = Path(sys.argv[1])
check(out / "registry.xlsx", "ISMAPクラウドサービスリスト", ["登録番号", "制度", "サービス名称", "事業者名"])
check(out / "statements.xlsx", "言明", ["登録番号", "管理策ID", "実施状況", "理由", "継承元"])
check(out / "check.xlsx", "比較", ["登録番号", "サービス名", "状態", "有効期限", "判定"])
check(out / "gap.xlsx", "ギャップ分析", ["管理策", "名称", "既存証跡の再利用", "既存の管理策と経路", "再利用元がない理由", "必要な作業"])
print("openpyxl: 4 workbooks read")
