//! The pages in a real browser (Debian's Chromium through chromedriver): search in Japanese →
//! open a registration → run the wizard with two candidates → open a check sheet → switch the
//! language; plus an accessibility pass on every page visited: axe-core at WCAG 2.1 AA (JIS X
//! 8341-3:2016 AA) and the checks axe does not make. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots`. Skipped, with a message, where chromedriver (or, for
//! the axe pass, axe-core) is not installed; CI installs both.

use crate::demo_server;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

async fn browser(profile_dir: &std::path::Path) -> Option<(Driver, Client)> {
    let Some(binary) = chromedriver() else {
        assert!(
            std::env::var_os("ISMAP_REQUIRE_BROWSER").is_none(),
            "ISMAP_REQUIRE_BROWSER is set but chromedriver is missing"
        );
        eprintln!("skipped: chromedriver not installed (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let caps = json!({
        // axe-core's pass over a long page (the criteria, the registry) outlasts the default 30 s
        // on a busy machine.
        "timeouts": { "script": 120_000 },
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-quic", "--window-size=1280,1200", "--lang=ja",
                format!("--user-data-dir={}", profile_dir.display())
            ]
        }
    });
    let caps = caps.as_object().cloned().unwrap_or_default();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(client) = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return Some((driver, client));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not answer on {url}");
}

async fn shot(c: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("save screenshot");
}

/// Clicks something that loads a new page, and waits until the new page has loaded.
async fn follow(c: &Client, locator: Locator<'_>) {
    c.execute("window.__ismapOldPage = true;", vec![])
        .await
        .expect("mark the page");
    c.find(locator)
        .await
        .expect("element to click")
        .click()
        .await
        .expect("click");
    for _ in 0..200 {
        let loaded = c
            .execute(
                "return !window.__ismapOldPage && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the next page did not load");
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .expect("text")
}

/// axe-core's browser bundle (`axe.min.js`), read once per run: from `ISMAP_AXE_JS`, else
/// from `$ISMAP_NODE_MODULES/axe-core/axe.min.js` (`.ci/run` installs it there with npm).
/// `Err` says why it is missing.
fn axe_source() -> Result<&'static str, &'static str> {
    static AXE: OnceLock<Result<String, String>> = OnceLock::new();
    let path = || {
        std::env::var_os("ISMAP_AXE_JS")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("ISMAP_NODE_MODULES")
                    .map(|dir| PathBuf::from(dir).join("axe-core/axe.min.js"))
            })
            .ok_or_else(|| {
                "axe-core not found: set ISMAP_AXE_JS to axe.min.js, or ISMAP_NODE_MODULES to a \
                 node_modules holding axe-core (npm install axe-core; .ci/run does)"
                    .to_owned()
            })
    };
    AXE.get_or_init(|| {
        let path = path()?;
        std::fs::read_to_string(&path)
            .map_err(|e| format!("axe-core not read from {}: {e}", path.display()))
    })
    .as_deref()
    .map_err(String::as_str)
}

/// Runs axe-core's WCAG 2.1 A and AA rules (JIS X 8341-3:2016 AA) on the page; answers the
/// violations, at most five elements each, or `{error}` if axe itself failed.
const AXE_RUN: &str = r#"
    const done = arguments[arguments.length - 1];
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then(r => done(r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': '
          + (n.failureSummary || '').replace(/\s+/g, ' ').trim()),
        count: v.nodes.length,
      }))))
      .catch(e => done({ error: String(e && e.stack || e) }));
"#;

/// What axe does not check, on every page: the page's language is the one the user chose
/// (cookie `lang`, Japanese by default; axe only checks that `lang` is valid), the language
/// switch names the other language in that language, exactly one `h1` (axe: at least one, and
/// only as a best practice), and no heading skips a level (axe's `heading-order` is a best
/// practice, outside the WCAG tags).
const OWN_CHECKS: &str = r#"
    const out = [];
    const want = /(^|;\s*)lang=en(;|$)/.test(document.cookie) ? 'en' : 'ja';
    const lang = document.documentElement.lang;
    if (lang !== want) out.push('html lang="' + lang + '", but the chosen language is ' + want);
    const other = want === 'ja' ? 'en' : 'ja';
    const switcher = document.querySelector('header.site a.lang');
    if (!switcher) out.push('no language switch in the header');
    else if (switcher.lang !== other || switcher.hreflang !== other)
      out.push('the language switch is lang="' + switcher.lang + '" hreflang="' + switcher.hreflang + '", not ' + other);
    if (document.querySelectorAll('h1').length !== 1) out.push('not exactly one h1');
    let level = 1;
    for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
      const n = Number(h.tagName[1]);
      if (n > level + 1) out.push('heading jumps to ' + h.tagName + ': ' + h.textContent.trim());
      level = n;
    }
    return out;
"#;

/// The accessibility pass on every page the tests visit: axe-core at WCAG 2.1 AA (skipped,
/// with a message, where axe-core is not installed, unless `ISMAP_REQUIRE_BROWSER` is set),
/// then the project's own checks.
async fn accessibility(c: &Client, page: &str) {
    match axe_source() {
        Ok(axe) => {
            c.execute(axe, vec![]).await.expect("inject axe-core");
            let result = c
                .execute_async(AXE_RUN, vec![])
                .await
                .expect("run axe-core");
            let Some(violations) = result.as_array() else {
                panic!("axe-core failed on {page}: {result}");
            };
            let found: Vec<String> = violations
                .iter()
                .map(|v| {
                    let text = |key: &str| v[key].as_str().unwrap_or("?").to_owned();
                    let nodes: Vec<&str> = v["nodes"]
                        .as_array()
                        .map(|n| n.iter().filter_map(|n| n.as_str()).collect())
                        .unwrap_or_default();
                    format!(
                        "{} ({}, {} elements): {}\n      {}",
                        text("id"),
                        text("impact"),
                        v["count"],
                        text("help"),
                        nodes.join("\n      ")
                    )
                })
                .collect();
            assert!(
                found.is_empty(),
                "axe-core (WCAG 2.1 AA) found {} violations on {page}:\n  {}",
                found.len(),
                found.join("\n  ")
            );
        }
        Err(why) if std::env::var_os("ISMAP_REQUIRE_BROWSER").is_some() => {
            panic!("ISMAP_REQUIRE_BROWSER is set but {why}")
        }
        Err(why) => eprintln!("skipped axe-core on {page}: {why}"),
    }
    let problems = c
        .execute(OWN_CHECKS, vec![])
        .await
        .expect("run the accessibility script");
    assert_eq!(problems, json!([]), "accessibility problems on {page}");
}

#[tokio::test]
async fn search_open_check_sheet_and_switch_language() {
    let server = demo_server().await;
    let profile_dir = tempfile::tempdir().expect("temp dir");
    let Some((_driver, c)) = browser(profile_dir.path()).await else {
        return;
    };
    let base = format!("http://{}", server.addr);

    // Search in Japanese: hiragana finds katakana; one result opens the registration.
    c.goto(&format!("{base}/registry"))
        .await
        .expect("registry page");
    accessibility(&c, "/registry").await;
    let q = c.find(Locator::Id("q")).await.expect("search box");
    q.send_keys("すとれーじ").await.expect("type");
    follow(&c, Locator::Css("form.filters button[type=submit]")).await;
    let found = text(&c).await;
    assert!(found.contains("4 件中 1–4 件を表示"), "{found}");
    assert!(
        found.contains("C99-0004-1") && !found.contains("C99-0002-1"),
        "{found}"
    );
    accessibility(&c, "/registry?q= (search result)").await;
    shot(&c, "1-registry-search").await;

    follow(&c, Locator::LinkText("C99-0001-1")).await;
    let page = text(&c).await;
    assert!(
        page.contains("デモクラウド IaaS（架空）")
            && page.contains("バージニア北部")
            && page.contains("一部実施"),
        "{page}"
    );
    accessibility(&c, "/registry/C99-0001-1").await;
    shot(&c, "2-registration").await;

    // The wizard with two candidates.
    c.goto(&format!("{base}/check")).await.expect("wizard");
    accessibility(&c, "/check").await;
    c.find(Locator::Id("name"))
        .await
        .expect("name")
        .send_keys("ブラウザ試験")
        .await
        .expect("type");
    c.execute(
        "document.getElementById('evaluation_date').value = '2026-12-01';
         document.getElementById('contract_start').value = '2027-01-01';
         document.getElementById('contract_end').value = '2029-12-31';",
        vec![],
    )
    .await
    .expect("set dates");
    // The requirement editor: the filter narrows the list's scope vocabulary; a feature is
    // ticked from it, another typed in half-width kana (matched after NFKC).
    c.find(Locator::Id("feature-filter"))
        .await
        .expect("filter")
        .send_keys("仮想")
        .await
        .expect("type");
    let shown: Vec<String> = serde_json::from_value(
        c.execute(
            "return Array.from(document.querySelectorAll('#feature-choices .choice'))
               .filter(r => !r.hidden).map(r => r.textContent.trim());",
            vec![],
        )
        .await
        .expect("choices"),
    )
    .expect("a list");
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s.contains("仮想")),
        "{shown:?}"
    );
    c.find(Locator::Css("#feature-choices input[value='仮想マシン']"))
        .await
        .expect("feature")
        .click()
        .await
        .expect("tick");
    c.find(Locator::Id("features_more"))
        .await
        .expect("more features")
        .send_keys("ｵﾌﾞｼﾞｪｸﾄｽﾄﾚｰｼﾞ")
        .await
        .expect("type");
    c.find(Locator::Id("required"))
        .await
        .expect("controls")
        .send_keys("9.1.1 12.3.1 8.1.5.P")
        .await
        .expect("type");
    c.find(Locator::Id("candidates"))
        .await
        .expect("candidates")
        .send_keys("C99-0001-1\nC99-0002-1")
        .await
        .expect("type");
    follow(
        &c,
        Locator::Css("form[action='/check'] button[type=submit]"),
    )
    .await;
    let comparison = text(&c).await;
    assert!(
        comparison.contains("比較結果: ブラウザ試験"),
        "{comparison}"
    );
    assert!(
        comparison.contains("総合判定")
            && comparison.contains("C99-0001-1")
            && comparison.contains("C99-0002-1"),
        "{comparison}"
    );
    assert!(
        comparison.contains("✕ 不適合"),
        "the office suite fails (8.1.5.P not applicable): {comparison}"
    );
    accessibility(&c, "comparison").await;
    shot(&c, "3-comparison").await;

    // The second candidate's check sheet.
    follow(&c, Locator::Css("button[aria-label$='C99-0002-1']")).await;
    let sheet = text(&c).await;
    assert!(sheet.contains("ISMAP 調達チェックシート"), "{sheet}");
    assert!(
        sheet.contains("非該当（事業者の理由: 契約終了時のデータ削除は利用者が実施する）"),
        "{sheet}"
    );
    assert!(
        sheet.contains("利用者側の責任") && sheet.contains("判定に用いた入力"),
        "{sheet}"
    );
    assert!(
        sheet.contains("オブジェクトストレージ") || sheet.contains("ｵﾌﾞｼﾞｪｸﾄｽﾄﾚｰｼﾞ"),
        "{sheet}"
    );
    accessibility(&c, "check sheet").await;
    shot(&c, "4-check-sheet").await;

    // Switch to English: remembered by the browser.
    follow(&c, Locator::LinkText("English")).await;
    let english = text(&c).await;
    assert!(
        english.contains("Procurement check") && english.contains("Run the check"),
        "{english}"
    );
    accessibility(&c, "/check (English)").await;
    c.goto(&format!("{base}/")).await.expect("dashboard");
    let dashboard = text(&c).await;
    assert!(
        dashboard.contains("Registrations by status")
            && dashboard.contains("Expiring within 180 days"),
        "{dashboard}"
    );
    accessibility(&c, "/").await;
    shot(&c, "5-dashboard-en").await;
    c.goto(&format!("{base}/criteria")).await.expect("criteria");
    assert!(text(&c).await.contains("Control criteria (5–18)"));
    accessibility(&c, "/criteria").await;
    shot(&c, "6-criteria-en").await;
    // A control's page: its links into ISO/IEC 27001 and NIST, with route and source.
    c.goto(&format!("{base}/criteria/9.2.3"))
        .await
        .expect("criterion");
    let links = text(&c).await;
    assert!(
        links.contains("Links to other frameworks")
            && links.contains("9.2.3 → [equivalent; ismap's join by number (objective X.Y.Z = Annex A A.X.Y.Z)] A.9.2.3 → [equivalent; ISO/IEC 27002:2022 Annex B")
            && links.contains("ac-6")
            && links.contains("no substitute for conformity"),
        "{links}"
    );
    accessibility(&c, "/criteria/9.2.3").await;
    shot(&c, "6-criterion-links-en").await;
    // The gap analysis, without JavaScript: choose FedRAMP Moderate, read the result.
    c.goto(&format!("{base}/criteria/gap"))
        .await
        .expect("gap form");
    accessibility(&c, "/criteria/gap").await;
    c.find(Locator::Css("#baseline option[value='fedramp-moderate']"))
        .await
        .expect("baseline option")
        .click()
        .await
        .expect("choose moderate");
    // Wait for the result page, not the form it replaces.
    follow(
        &c,
        Locator::Css("form[action='/criteria/gap'] button[type=submit]"),
    )
    .await;
    let gap = text(&c).await;
    assert!(
        gap.contains("Already implemented: FedRAMP Moderate")
            && gap.contains("partial or related only"),
        "{gap}"
    );
    accessibility(&c, "/criteria/gap (result)").await;

    // A narrow screen: nothing wider than the viewport.
    c.set_window_size(390, 900).await.expect("narrow window");
    c.goto(&format!("{base}/registry?on=2026-12-01"))
        .await
        .expect("registry");
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await
        .expect("measure");
    assert_eq!(
        overflow,
        json!(true),
        "the page scrolls sideways on a narrow screen"
    );
    accessibility(&c, "/registry (narrow screen)").await;
    shot(&c, "7-registry-narrow").await;
    c.close().await.expect("close the browser");
}

async fn sign_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.expect("login page");
    accessibility(c, "/login").await;
    c.find(Locator::Id("username"))
        .await
        .expect("user")
        .send_keys(user)
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys(PASSWORD)
        .await
        .expect("type");
    follow(c, Locator::Css("form[action='/login'] button[type=submit]")).await;
    assert!(text(c).await.contains(user), "signed in as {user}");
    accessibility(c, "signed in").await;
}

async fn sign_out(c: &Client) {
    follow(c, Locator::Css("form[action='/logout'] button")).await;
    assert!(text(c).await.contains("ログイン"));
    accessibility(c, "signed out").await;
}

/// Sets form fields by id through the page (date inputs take no typed text reliably).
async fn fill(c: &Client, fields: &[(&str, &str)]) {
    for (id, value) in fields {
        c.execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .expect("set field");
    }
}

const PASSWORD: &str = "browser test password";

#[tokio::test]
async fn provider_auditor_operator_and_procurer_in_the_browser() {
    let (server, store) = crate::database_server().await;
    let profile_dir = tempfile::tempdir().expect("temp dir");
    let Some((_driver, c)) = browser(profile_dir.path()).await else {
        return;
    };
    use ismap_core::access::Role;
    for (name, role, org) in [
        ("acme", Role::Provider, Some("架空株式会社")),
        ("aud", Role::Auditor, Some("監査法人X")),
        ("ops", Role::Operator, None),
        ("city", Role::Procurer, Some("架空市")),
    ] {
        store
            .add_user("test", name, PASSWORD, role, org, None)
            .await
            .expect("user");
    }
    let base = format!("http://{}", server.addr);

    // The provider drafts and submits.
    sign_in(&c, &base, "acme").await;
    c.goto(&format!("{base}/applications"))
        .await
        .expect("applications");
    accessibility(&c, "/applications").await;
    follow(&c, Locator::Css("form[action='/applications'] button")).await;
    accessibility(&c, "edit").await;
    // Every mandatory item is stated (9.1.1 excluded with its reason, which exempts its
    // children), or the submission is refused.
    let catalog = ismap_formats::criteria::builtin_catalog().expect("criteria");
    let mut statements: Vec<String> = catalog
        .basic_baseline()
        .into_iter()
        .map(|k| catalog.get(k).id.to_string())
        .filter(|id| id != "9.1.1" && !id.starts_with("9.1.1."))
        .map(|id| format!("{id}, 実施"))
        .collect();
    statements.push("9.1.1, not_applicable, 共用IDを使わない".into());
    // A status the store cannot read is named where the provider typed it, in Japanese.
    fill(&c, &[("statements", "\n5.1.1, 実施\n\n5.1.2, 済み")]).await;
    follow(&c, Locator::Css("form.stack button[type=submit]")).await;
    let refused = text(&c).await;
    assert!(
        refused.contains("管理策の言明 4行目の実施状況: 「実施」「一部実施」「非該当」のいずれかを入力してください。")
            && refused.contains("（入力値: 済み）"),
        "{refused}"
    );
    accessibility(&c, "edit refused").await;
    fill(
        &c,
        &[
            ("service_name", "架空電子契約クラウド"),
            ("audit_body", "監査法人X"),
            ("scope_included", "電子契約\n文書保管"),
            ("regions", "東京, JP\n大阪, JP"),
            ("statements", &statements.join("\n")),
        ],
    )
    .await;
    follow(&c, Locator::Css("form.stack button[type=submit]")).await;
    let detail = text(&c).await;
    assert!(
        detail.contains("架空電子契約クラウド") && detail.contains("申請書作成中"),
        "{detail}"
    );
    accessibility(&c, "application").await;
    follow(&c, Locator::Css("input[value=submit] ~ fieldset button")).await;
    assert!(text(&c).await.contains("申請済み"));
    accessibility(&c, "application submitted").await;
    shot(&c, "8-application-submitted").await;
    sign_out(&c).await;

    // The audit body records the audit.
    sign_in(&c, &base, "aud").await;
    c.goto(&format!("{base}/applications/1"))
        .await
        .expect("application");
    fill(
        &c,
        &[
            ("record_audit-start", "2025-04-01"),
            ("record_audit-end", "2026-03-31"),
        ],
    )
    .await;
    follow(
        &c,
        Locator::Css("input[value=record_audit] ~ fieldset button"),
    )
    .await;
    assert!(text(&c).await.contains("監査結果記録済み"));
    accessibility(&c, "application audited (auditor)").await;
    sign_out(&c).await;

    // The operator reviews; a registration date inside the audit period is refused in Japanese.
    sign_in(&c, &base, "ops").await;
    c.goto(&format!("{base}/applications/1"))
        .await
        .expect("application");
    follow(
        &c,
        Locator::Css("input[value=start_review] ~ fieldset button"),
    )
    .await;
    fill(
        &c,
        &[("register-on", "2026-03-31"), ("register-no", "C26-0001-1")],
    )
    .await;
    follow(&c, Locator::Css("input[value=register] ~ fieldset button")).await;
    let refused = text(&c).await;
    assert!(
        refused.contains("監査対象期間の末日 2026-03-31 以前です"),
        "{refused}"
    );
    accessibility(&c, "refused").await;
    shot(&c, "9-registration-refused").await;
    fill(
        &c,
        &[("register-on", "2026-06-01"), ("register-no", "C26-0001-1")],
    )
    .await;
    follow(&c, Locator::Css("input[value=register] ~ fieldset button")).await;
    let registered = text(&c).await;
    assert!(
        registered.contains("2027-07-31") && registered.contains("C26-0001-1"),
        "{registered}"
    );
    accessibility(&c, "application registered (operator)").await;
    c.goto(&format!("{base}/audit")).await.expect("audit");
    assert!(text(&c).await.contains("改ざんは検出されませんでした"));
    accessibility(&c, "/audit").await;
    sign_out(&c).await;

    // The procurer watches it under a contract that outlives the registration.
    sign_in(&c, &base, "city").await;
    c.goto(&format!("{base}/watches")).await.expect("watches");
    fill(
        &c,
        &[
            ("w-no", "C26-0001-1"),
            ("w-start", "2026-07-01"),
            ("w-end", "2029-03-31"),
            ("w-label", "電子契約"),
        ],
    )
    .await;
    follow(&c, Locator::Css("form[action='/watches'] button")).await;
    let watches = text(&c).await;
    assert!(
        watches.contains("C26-0001-1") && watches.contains("2026-07-01 – 2029-03-31"),
        "{watches}"
    );
    accessibility(&c, "/watches").await;
    shot(&c, "10-watches").await;
    // On the list from the day the operator registered it (today), not the date it carries.
    let today = ismap_core::validity::japan_date(chrono::Utc::now());
    let yesterday = today - chrono::Days::new(1);
    c.goto(&format!("{base}/history?from={yesterday}&to={today}"))
        .await
        .expect("history");
    assert!(text(&c).await.contains("架空電子契約クラウド"));
    accessibility(&c, "/history").await;
    c.close().await.expect("close the browser");
}

/// The entries of `service` that still show a resolution form, as the page lists them.
async fn open_entries(c: &Client, service: &str) -> Vec<String> {
    let found = c
        .execute(
            "return Array.from(document.querySelectorAll('#resolutions tbody tr'))
               .filter(tr => tr.cells[1].textContent.trim() === arguments[0] && tr.querySelector('form'))
               .map(tr => tr.cells[0].textContent.trim());",
            vec![json!(service)],
        )
        .await
        .expect("entries");
    serde_json::from_value(found).expect("a list")
}

/// The procurement case end to end: create, check, resolve the chosen service's points,
/// approve them and the decision as a second person, record a customer duty, read the PDF
/// record back with pdftotext; then the list changes and the case shows the alert.
#[tokio::test]
async fn a_procurement_case_in_the_browser() {
    let (server, store) = crate::database_server().await;
    let profile_dir = tempfile::tempdir().expect("temp dir");
    let Some((_driver, c)) = browser(profile_dir.path()).await else {
        return;
    };
    use ismap_core::access::Role;
    for name in ["drafter", "boss"] {
        store
            .add_user("test", name, PASSWORD, Role::Procurer, Some("架空省"), None)
            .await
            .expect("user");
    }
    store
        .set_approver("test", "boss", true)
        .await
        .expect("approver");
    let base = format!("http://{}", server.addr);
    let service = "C99-0001-1";

    sign_in(&c, &base, "drafter").await;
    c.goto(&format!("{base}/cases")).await.expect("cases");
    accessibility(&c, "/cases").await;
    fill(
        &c,
        &[
            ("name", "人事給与システム（ブラウザ）"),
            (
                "c-profile",
                &std::fs::read_to_string(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../examples/demo-profile.toml"
                ))
                .expect("profile"),
            ),
        ],
    )
    .await;
    follow(
        &c,
        Locator::Css("form[action='/cases'] button[type=submit]"),
    )
    .await;
    accessibility(&c, "case created").await;
    let url = c.current_url().await.expect("url");
    let case = url.path().to_owned();
    follow(
        &c,
        Locator::Css(&format!("form[action='{case}/check'] button")),
    )
    .await;
    accessibility(&c, "case").await;
    let entries = open_entries(&c, service).await;
    assert!(
        entries.len() >= 2,
        "two points or more to settle: {entries:?}"
    );
    for n in &entries {
        c.execute(
            "document.getElementById('k' + arguments[0]).closest('details').open = true;",
            vec![json!(n)],
        )
        .await
        .expect("open the form");
        fill(
            &c,
            &[
                (&format!("k{n}"), "contract_clause"),
                (&format!("x{n}"), "契約書の特記事項で担保する"),
                (&format!("n{n}"), "架空省情第5号"),
            ],
        )
        .await;
        follow(
            &c,
            Locator::Css(&format!("form:has(#k{n}) button[type=submit]")),
        )
        .await;
    }
    assert!(text(&c).await.contains("承認待ち"));
    accessibility(&c, "case resolutions pending").await;
    shot(&c, "10-case-resolved").await;
    sign_out(&c).await;

    // A second person with approval rights approves each resolution.
    sign_in(&c, &base, "boss").await;
    for n in &entries {
        c.goto(&format!("{base}{case}")).await.expect("case");
        follow(
            &c,
            Locator::Css(&format!(
                "form[action='{case}/resolutions/{n}/approval'] button"
            )),
        )
        .await;
    }
    sign_out(&c).await;

    // The drafter proposes the decision, and cannot approve it.
    sign_in(&c, &base, "drafter").await;
    c.goto(&format!("{base}{case}")).await.expect("case");
    fill(
        &c,
        &[
            ("service", service),
            ("reason", "要件を満たし、費用が最も低い"),
        ],
    )
    .await;
    follow(
        &c,
        Locator::Css(&format!("form[action='{case}/decision'] button")),
    )
    .await;
    assert!(
        c.find(Locator::Css(&format!(
            "form[action='{case}/decision/approval'] button"
        )))
        .await
        .is_err(),
        "no approval button for the proposer"
    );
    // The customer's duty for IAM, recorded in the evidence register (due already passed).
    c.execute(
        "document.getElementById('iam-activity').closest('details').open = true;",
        vec![],
    )
    .await
    .expect("open the duty form");
    fill(
        &c,
        &[
            ("iam-activity", "特権IDの棚卸し"),
            ("iam-performer", "contractor"),
            ("iam-frequency", "四半期ごと"),
            ("iam-evidence", "棚卸し結果"),
            ("iam-last", "2026-09-01"),
            ("iam-next", "2026-12-01"),
        ],
    )
    .await;
    follow(
        &c,
        Locator::Css("form:has(#iam-activity) button[type=submit]"),
    )
    .await;
    let duties = text(&c).await;
    assert!(
        duties.contains("特権IDの棚卸し") && duties.contains("期限超過"),
        "{duties}"
    );
    accessibility(&c, "case decided").await;
    sign_out(&c).await;

    sign_in(&c, &base, "boss").await;
    c.goto(&format!("{base}{case}")).await.expect("case");
    follow(
        &c,
        Locator::Css(&format!("form[action='{case}/decision/approval'] button")),
    )
    .await;
    assert!(text(&c).await.contains("決裁済み"));
    accessibility(&c, "case approved").await;
    shot(&c, "11-case-decided").await;

    // The PDF record, fetched with the browser's session and read back by pdftotext.
    let cookies = c.get_all_cookies().await.expect("cookies");
    let cookie = cookies
        .iter()
        .map(|k| format!("{}={}", k.name(), k.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let pdf = crate::request(
        server.addr,
        "GET",
        &format!("{case}/record.pdf"),
        &[("Cookie", &cookie)],
        b"",
    )
    .await;
    assert_eq!(pdf.status, 200);
    let file = profile_dir.path().join("record.pdf");
    std::fs::write(&file, &pdf.body).expect("write");
    match Command::new("pdftotext")
        .args(["-layout", file.to_str().expect("utf-8"), "-"])
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for want in [
                "調達判断記録",
                "決裁済み",
                "契約条項で担保",
                "責任分界",
                "特権IDの棚卸し",
                "期限超過",
            ] {
                assert!(text.contains(want), "{want} in {text}");
            }
        }
        Err(_) if std::env::var_os("ISMAP_REQUIRE_TOOLS").is_some() => {
            panic!("pdftotext is required")
        }
        Err(_) => eprintln!("skipped reading the PDF back: pdftotext is not installed"),
    }

    // The list changes under the decision: the chosen service is revoked; the alert run
    // re-checks the case and the page says the premises changed.
    let catalog = ismap_formats::criteria::builtin_catalog().expect("criteria");
    let mut doc: serde_json::Value =
        serde_json::from_str(ismap_formats::demo::REGISTRY_JSON).expect("demo");
    for r in doc["registrations"].as_array_mut().expect("list") {
        if r["registration_no"] == service {
            r["revoked_on"] = json!("2026-11-30");
        }
    }
    let changed = ismap_formats::registry_json::parse_registry(
        "changed",
        doc.to_string().as_bytes(),
        &catalog,
    )
    .expect("registry");
    store
        .import_registry(
            &changed.registry,
            &catalog,
            "changed",
            &changed.sha256,
            false,
        )
        .await
        .expect("import");
    let today = ismap_core::validity::japan_date(chrono::Utc::now());
    let list = ismap_notify::List {
        registry: &changed.registry,
        catalog: &catalog,
        sha256: &changed.sha256,
        revision: None,
    };
    let report = ismap_notify::run(
        &store,
        list,
        (today, chrono::Utc::now()),
        &Default::default(),
    )
    .await
    .expect("alert run");
    assert!(report.raised >= 2, "{report:?}");
    c.goto(&format!("{base}{case}")).await.expect("case");
    let warned = text(&c).await;
    assert!(warned.contains("判断の前提が変わりました"), "{warned}");
    accessibility(&c, "case premise changed").await;
    c.goto(&format!("{base}/cases")).await.expect("cases");
    assert!(text(&c).await.contains("判断の前提が変わりました"));
    accessibility(&c, "/cases (premise changed)").await;
    shot(&c, "12-case-premise-changed").await;
    c.close().await.expect("close the browser");
}
