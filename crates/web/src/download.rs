//! Responses that are files: a download (Content-Disposition: attachment) under a name that
//! survives any browser — ASCII in `filename`, the real (often Japanese) name in
//! `filename*` (RFC 6266 / RFC 5987).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The spreadsheet media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `body` as a download named `name`.
pub fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A file someone uploaded: always a download of opaque bytes, whatever it claims to be, so
/// that an uploaded HTML or SVG never runs in the application's origin.
pub fn uploaded(name: &str, body: Vec<u8>) -> Response {
    attachment("application/octet-stream", name, body)
}

fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_in_both_forms() {
        let table = [
            (
                "ismap-case-1.pdf",
                "attachment; filename=\"ismap-case-1.pdf\"; filename*=UTF-8''ismap-case-1.pdf",
            ),
            (
                "確認書.pdf",
                "attachment; filename=\"___.pdf\"; filename*=UTF-8''%E7%A2%BA%E8%AA%8D%E6%9B%B8.pdf",
            ),
            (
                "a\"b\r\n.txt",
                "attachment; filename=\"a_b__.txt\"; filename*=UTF-8''a%22b%0D%0A.txt",
            ),
        ];
        for (name, expected) in table {
            assert_eq!(disposition(name), expected);
        }
    }
}
