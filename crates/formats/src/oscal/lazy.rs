//! A catalog read for resolution without building its controls: resolution selects, nests and
//! moves controls by their `id` and `controls` only, so each control is read as a skeleton
//! holding those two and the rest of its fields as their JSON text. A resolved catalog of
//! skeletons is written as it was read, pretty-printed; a profile that modifies controls has
//! them read whole first ([`materialize`]). NIST's rev5 catalog is 3.2 MB: building every
//! control as a tree cost more than the whole resolution.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// The key under which a skeleton keeps the JSON text of its other fields (`"k":v,"k":v`).
/// It holds a NUL, which no OSCAL text does: a document with a NUL in a key or string
/// anywhere is refused by [`read`], so no input can pass for a skeleton.
const RAW: &str = "\u{0}ismap-raw";

/// The deepest nesting written: as deep as serde_json reads.
const MAX_DEPTH: usize = 127;

/// Reads an OSCAL document, every control (an object in a `controls` list) as a skeleton.
pub fn read(bytes: &[u8]) -> serde_json::Result<Value> {
    // UTF-8 checked once for the whole text, not again for each string.
    let text = std::str::from_utf8(bytes)
        .map_err(|e| de::Error::custom(format!("not UTF-8 text at byte {}", e.valid_up_to())))?;
    // JSON writes a NUL only as this escape.
    if text.contains("\\u0000") {
        return Err(de::Error::custom(
            "a NUL character (\\u0000) in a key or string",
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = Node(Read::Value).deserialize(&mut de)?;
    de.end()?;
    Ok(doc)
}

/// What is being read: any value, the list under a `controls` key, or one of its items.
#[derive(Clone, Copy)]
enum Read {
    Value,
    Controls,
    Control,
}

/// A JSON value; an object in a `controls` list is read as a skeleton, anything else whole.
struct Node(Read);

impl<'de> DeserializeSeed<'de> for Node {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item = match self.0 {
            Read::Controls => Read::Control,
            Read::Value | Read::Control => Read::Value,
        };
        let mut items = Vec::new();
        while let Some(value) = seq.next_element_seed(Node(item))? {
            items.push(value);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let control = matches!(self.0, Read::Control);
        let mut out = Map::new();
        let mut raw = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "controls" => {
                    let value = map.next_value_seed(Node(Read::Controls))?;
                    out.insert(key, value);
                }
                "id" if control => {
                    let value = map.next_value_seed(Node(Read::Value))?;
                    out.insert(key, value);
                }
                _ if control => {
                    // Checked by the parser (syntax), kept as text.
                    let value = map.next_value::<&RawValue>()?;
                    if !raw.is_empty() {
                        raw.push(b',');
                    }
                    // The key as JSON text: it may hold characters that need escaping.
                    serde_json::to_writer(&mut raw, &key).map_err(de::Error::custom)?;
                    raw.push(b':');
                    raw.extend_from_slice(value.get().as_bytes());
                }
                _ => {
                    let value = map.next_value_seed(Node(Read::Value))?;
                    out.insert(key, value);
                }
            }
        }
        if control {
            // JSON text written from strings is UTF-8.
            let raw = String::from_utf8(raw).map_err(de::Error::custom)?;
            out.insert(RAW.into(), Value::String(raw));
        }
        Ok(Value::Object(out))
    }
}

/// Reads every skeleton in `v` whole again (before a profile modifies controls).
pub fn materialize(v: &mut Value) -> serde_json::Result<()> {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(raw)) = map.remove(RAW) {
                let fields: Map<String, Value> = serde_json::from_str(&format!("{{{raw}}}"))?;
                map.extend(fields);
            }
            map.values_mut().try_for_each(materialize)
        }
        Value::Array(items) => items.iter_mut().try_for_each(materialize),
        _ => Ok(()),
    }
}

/// `v` as pretty-printed JSON (two spaces, like `serde_json::to_vec_pretty`), skeletons
/// written with their fields as read.
pub fn to_pretty(v: &Value) -> Result<Vec<u8>, TooDeep> {
    // Room for the fields as read and their new indentation at once: a growing buffer of
    // megabytes is copied, page by fresh page, at each doubling (untouched room costs nothing).
    fn raw_len(v: &Value) -> usize {
        match v {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    if k == RAW {
                        v.as_str().map_or(0, str::len)
                    } else {
                        raw_len(v)
                    }
                })
                .sum(),
            Value::Array(items) => items.iter().map(raw_len).sum(),
            _ => 0,
        }
    }
    let mut pretty = Pretty {
        out: Vec::with_capacity(2 * raw_len(v) + 4096),
        depth: 0,
    };
    pretty.value(v)?;
    Ok(pretty.out)
}

/// A document nested deeper than JSON readers take (a control's fields are kept as text
/// without their depth counted: it is counted when they are written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the document is nested more than {MAX_DEPTH} levels deep")]
pub struct TooDeep;

/// Pretty-printed JSON as serde_json lays out its values: a line per member and item, two
/// spaces per level, empty objects and arrays as `{}` and `[]`.
struct Pretty {
    out: Vec<u8>,
    depth: usize,
}

impl Pretty {
    fn newline(&mut self) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + 2 * self.depth, b' ');
    }

    fn open(&mut self, bracket: u8) -> Result<(), TooDeep> {
        if self.depth >= MAX_DEPTH {
            return Err(TooDeep);
        }
        self.out.push(bracket);
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, bracket: u8) {
        self.depth = self.depth.saturating_sub(1);
        self.newline();
        self.out.push(bracket);
    }

    /// The separator before a member (none before the first) and its line.
    fn member(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.out.push(b',');
        }
        self.newline();
    }

    /// A member's key, after its separator.
    fn key(&mut self, first: &mut bool, key: &str) {
        self.member(first);
        // serde_json cannot fail to write a string.
        let _ = serde_json::to_writer(&mut self.out, key);
        self.out.extend_from_slice(b": ");
    }

    fn scalar(&mut self, v: &Value) {
        // serde_json cannot fail to write a value it holds.
        let _ = serde_json::to_writer(&mut self.out, v);
    }

    fn value(&mut self, v: &Value) -> Result<(), TooDeep> {
        match v {
            Value::Object(map) if map.is_empty() => self.out.extend_from_slice(b"{}"),
            // A skeleton of an empty control.
            Value::Object(map) if map.len() == 1 && map.get(RAW) == Some(&Value::from("")) => {
                self.out.extend_from_slice(b"{}")
            }
            Value::Object(map) => {
                self.open(b'{')?;
                let mut first = true;
                let raw = map.get(RAW).and_then(Value::as_str);
                if let Some(raw) = raw {
                    // A skeleton: its id, the fields as read, then its controls.
                    if let Some(id) = map.get("id") {
                        self.key(&mut first, "id");
                        self.value(id)?;
                    }
                    if !raw.is_empty() {
                        self.member(&mut first);
                        self.json(raw.as_bytes())?;
                    }
                }
                for (key, item) in map {
                    if key == RAW || (raw.is_some() && key == "id") {
                        continue;
                    }
                    self.key(&mut first, key);
                    self.value(item)?;
                }
                self.close(b'}');
            }
            Value::Array(items) if items.is_empty() => self.out.extend_from_slice(b"[]"),
            Value::Array(items) => {
                self.open(b'[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.newline();
                    self.value(item)?;
                }
                self.close(b']');
            }
            scalar => self.scalar(scalar),
        }
        Ok(())
    }

    /// Valid JSON text (values, or members `"k":v,"k":v`) laid out at the current depth: the
    /// whitespace between its tokens dropped.
    fn json(&mut self, json: &[u8]) -> Result<(), TooDeep> {
        let mut i = 0;
        while i < json.len() {
            let b = json[i];
            match b {
                b'"' => {
                    // A string, escapes included, copied as it is.
                    let start = i;
                    i += 1;
                    while i < json.len() && json[i] != b'"' {
                        i += if json[i] == b'\\' { 2 } else { 1 };
                    }
                    self.out
                        .extend_from_slice(&json[start..(i + 1).min(json.len())]);
                }
                b'{' | b'[' => {
                    let close = if b == b'{' { b'}' } else { b']' };
                    let next = json[i + 1..]
                        .iter()
                        .position(|c| !c.is_ascii_whitespace())
                        .map(|p| i + 1 + p);
                    if let Some(n) = next.filter(|n| json[*n] == close) {
                        self.out.extend_from_slice(&[b, close]);
                        i = n;
                    } else {
                        self.open(b)?;
                        self.newline();
                    }
                }
                b'}' | b']' => self.close(b),
                b',' => {
                    self.out.push(b',');
                    self.newline();
                }
                b':' => self.out.extend_from_slice(b": "),
                b' ' | b'\n' | b'\r' | b'\t' => {}
                _ => self.out.push(b),
            }
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> Value {
        json!({"catalog": {"uuid": "c", "metadata": {"title": "t \"quoted\"", "props": []},
            "groups": [{"id": "ac", "title": "AC", "controls": [
                {"class": "SP800-53", "id": "ac-1", "title": "one", "params": [{"id": "p", "values": ["a, b", "{x}"]}],
                 "controls": [{"id": "ac-1.1", "title": "one.one", "props": [{"name": "n", "value": "1"}]}],
                 "parts": [{"id": "ac-1_smt", "prose": "line\nbreak: \\ \u{e9}"}]},
                {"id": "ac-2", "title": "two", "empty": {}, "n": 1.5, "m": -3, "t": true, "z": null}]}]}})
    }

    #[test]
    fn a_catalog_read_as_skeletons_is_written_as_serde_json_writes_it() {
        for text in [
            serde_json::to_vec(&catalog()).expect("json"),
            serde_json::to_vec_pretty(&catalog()).expect("json"),
        ] {
            let lazy = read(&text).expect("read");
            let control = &lazy["catalog"]["groups"][0]["controls"][0];
            assert_eq!(control["id"], "ac-1");
            assert!(control.get("title").is_none(), "kept as text: {control}");
            assert_eq!(control["controls"][0]["id"], "ac-1.1");
            let written = to_pretty(&lazy).expect("written");
            let back: Value = serde_json::from_slice(&written).expect("valid JSON");
            assert_eq!(back, catalog());
            let mut whole = lazy.clone();
            materialize(&mut whole).expect("materialize");
            assert_eq!(whole, catalog());
            // Without skeletons the layout is serde_json's own, byte for byte.
            assert_eq!(
                to_pretty(&whole).expect("written"),
                serde_json::to_vec_pretty(&whole).expect("json")
            );
        }
    }

    #[test]
    fn controls_of_any_shape_are_written_back_as_read() {
        for text in [
            r#"{"catalog": {"controls": null}}"#,
            r#"{"catalog": {"controls": {"id": "x", "title": "t"}}}"#,
            r#"{"catalog": {"controls": ["x", 1, [], {}, {"id": 1, "t": [ ]}, {"id": null}]}}"#,
            r#"{"catalog": {"controls": [{"id": "a", "parts": [{"controls": [{"id": "b"}]}]}]}}"#,
        ] {
            let whole: Value = serde_json::from_str(text).expect("JSON");
            let written = to_pretty(&read(text.as_bytes()).expect("read")).expect("written");
            assert_eq!(
                String::from_utf8_lossy(&written),
                serde_json::to_string_pretty(&whole).expect("json"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_control_nested_deeper_than_json_readers_go_is_not_written() {
        let deep = format!(
            r#"{{"catalog": {{"controls": [{{"id": "a", "x": {}{}}}]}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        let read = read(deep.as_bytes()).expect("read: the text is checked, not built");
        assert_eq!(to_pretty(&read), Err(TooDeep));
        // The limit is serde_json's own.
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn a_nul_and_broken_json_are_refused() {
        for text in [
            r#"{"catalog": {"\u0000ismap-raw": "x"}}"#,
            r#"{"catalog": {"controls": [{"id": "a", "\u0000ismap-raw": "}"}]}}"#,
            r#"{"catalog": {"controls": [{"id": "c", "parts": [{"\u0000ismap-raw": "\"p\":1"}]}]}}"#,
            r#"{"catalog": {"metadata": {"title": "a\u0000b"}}}"#,
            r#"{"catalog": {"controls": [{"id": "a", "title": }]}}"#,
            r#"{"catalog": {}} trailing"#,
            r#"{"catalog": {"controls": [{"id": "a", "title": "t""#,
        ] {
            assert!(read(text.as_bytes()).is_err(), "{text}");
        }
        let latin1 = b"{\"catalog\": {\"title\": \"caf\xe9\"}}";
        let refused = read(latin1).expect_err("not UTF-8");
        assert!(
            refused.to_string().contains("not UTF-8 text at byte 26"),
            "{refused}"
        );
    }
}
