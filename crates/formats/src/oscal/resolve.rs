//! OSCAL profile resolution: imports (include-all or include-controls / exclude-controls by
//! id or pattern, with or without child controls), merge (as-is or flat) and modify
//! (set-parameters, alters with removes and adds) into a resolved catalog.

use super::{OSCAL_VERSION, uuid_from};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

#[derive(Debug, thiserror::Error)]
pub enum OscalError {
    #[error("{0}: not an OSCAL {1} (expected a JSON object with a \"{1}\" member)")]
    NotA(String, &'static str),
    #[error("cannot load {href}: {message}")]
    Load { href: String, message: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("profile {field}: {message}")]
    Invalid { field: String, message: String },
}

fn controls_of(v: &Value) -> impl Iterator<Item = &Value> {
    v.get("controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn groups_of(v: &Value) -> impl Iterator<Item = &Value> {
    v.get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn id(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or("")
}

/// Every control of a catalog (or group, or control) with the ids of its descendants, in
/// document order.
fn walk<'a>(v: &'a Value, out: &mut Vec<(&'a Value, Vec<String>)>) {
    for g in groups_of(v) {
        walk(g, out);
    }
    for c in controls_of(v) {
        let mut below = Vec::new();
        collect_ids(c, &mut below);
        out.push((c, below));
        walk(c, out);
    }
}

fn collect_ids(control: &Value, out: &mut Vec<String>) {
    for child in controls_of(control) {
        out.push(id(child).to_owned());
        collect_ids(child, out);
    }
}

/// `*` and `?` globs, as `matching` patterns use.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The ids a list of selectors (`include-controls` or `exclude-controls`) picks.
fn select(
    catalog: &Value,
    selectors: &[Value],
    field: &str,
) -> Result<HashSet<String>, OscalError> {
    let mut all = Vec::new();
    walk(catalog, &mut all);
    let mut chosen = HashSet::new();
    for (n, s) in selectors.iter().enumerate() {
        let with_children = match s.get("with-child-controls").and_then(Value::as_str) {
            None | Some("no") => false,
            Some("yes") => true,
            Some(other) => {
                return Err(OscalError::Invalid {
                    field: format!("{field}[{n}].with-child-controls"),
                    message: format!("expected yes or no, got {other:?}"),
                });
            }
        };
        let ids: Vec<&str> = s
            .get("with-ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let patterns: Vec<&str> = s
            .get("matching")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("pattern").and_then(Value::as_str))
            .collect();
        for (control, descendants) in &all {
            let cid = id(control);
            if ids.contains(&cid) || patterns.iter().any(|p| glob(p, cid)) {
                chosen.insert(cid.to_owned());
                if with_children {
                    chosen.extend(descendants.iter().cloned());
                }
            }
        }
    }
    Ok(chosen)
}

/// The list under `key` in `v`, taken out of it.
fn take_list(v: &mut Value, key: &str) -> Vec<Value> {
    match v.as_object_mut().and_then(|o| o.remove(key)) {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    }
}

/// The controls of `v` that are selected, taken out of it (moved, not copied: catalogs are
/// megabytes) and keeping nesting; a selected control inside an unselected one takes its
/// place.
fn keep_controls(v: &mut Value, selected: &HashSet<String>) -> Vec<Value> {
    let mut out = Vec::new();
    for mut c in take_list(v, "controls") {
        let children = keep_controls(&mut c, selected);
        if selected.contains(id(&c)) {
            if let (false, Some(o)) = (children.is_empty(), c.as_object_mut()) {
                o.insert("controls".into(), Value::Array(children));
            }
            out.push(c);
        } else {
            out.extend(children);
        }
    }
    out
}

/// The groups of `v` with what remains in them, taken out of it; empty groups are dropped.
fn keep_groups(v: &mut Value, selected: &HashSet<String>) -> Vec<Value> {
    take_list(v, "groups")
        .into_iter()
        .filter_map(|mut g| {
            let controls = keep_controls(&mut g, selected);
            let groups = keep_groups(&mut g, selected);
            if controls.is_empty() && groups.is_empty() {
                return None;
            }
            let o = g.as_object_mut()?;
            if !groups.is_empty() {
                o.insert("groups".into(), Value::Array(groups));
            }
            if !controls.is_empty() {
                o.insert("controls".into(), Value::Array(controls));
            }
            Some(g)
        })
        .collect()
}

fn for_each_control(list: &mut [Value], f: &mut dyn FnMut(&mut Value)) {
    for c in list.iter_mut() {
        f(c);
        if let Some(children) = c.get_mut("controls").and_then(Value::as_array_mut) {
            for_each_control(children, f);
        }
    }
}

fn for_each_control_in(doc: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(groups) = doc.get_mut("groups").and_then(Value::as_array_mut) {
        for g in groups {
            for_each_control_in(g, f);
        }
    }
    if let Some(controls) = doc.get_mut("controls").and_then(Value::as_array_mut) {
        for_each_control(controls, f);
    }
}

/// Removes items (parts, props, links, params) matching a `removes` entry, at any depth.
fn remove_matching(v: &mut Value, r: &Value) {
    let key = |k: &str| r.get(k).and_then(Value::as_str);
    for kind in ["parts", "props", "links", "params"] {
        if let Some(items) = v.get_mut(kind).and_then(Value::as_array_mut) {
            let item_name = kind.trim_end_matches('s');
            items.retain(|item| {
                let hit = key("by-id")
                    .is_some_and(|x| item.get("id").and_then(Value::as_str) == Some(x))
                    || key("by-name")
                        .is_some_and(|x| item.get("name").and_then(Value::as_str) == Some(x))
                    || key("by-class")
                        .is_some_and(|x| item.get("class").and_then(Value::as_str) == Some(x))
                    || key("by-ns")
                        .is_some_and(|x| item.get("ns").and_then(Value::as_str) == Some(x))
                    || key("by-item-name").is_some_and(|x| x == item_name);
                !hit
            });
            for item in items.iter_mut() {
                remove_matching(item, r);
            }
        }
    }
}

fn find_part_mut<'a>(v: &'a mut Value, part_id: &str) -> Option<&'a mut Value> {
    if id(v) == part_id {
        return Some(v);
    }
    let parts = v.get_mut("parts")?.as_array_mut()?;
    parts.iter_mut().find_map(|p| find_part_mut(p, part_id))
}

/// Applies one `adds` entry to a control.
fn add(control: &mut Value, a: &Value) -> Result<(), OscalError> {
    let position = a
        .get("position")
        .and_then(Value::as_str)
        .unwrap_or("ending");
    let control_id = id(control).to_owned();
    let target_id = a.get("by-id").and_then(Value::as_str);
    for kind in ["params", "props", "links", "parts"] {
        let Some(new) = a.get(kind).and_then(Value::as_array) else {
            continue;
        };
        match (position, target_id) {
            ("starting" | "ending", target) => {
                let target = match target {
                    Some(t) => find_part_mut(control, t).ok_or_else(|| OscalError::Invalid {
                        field: "modify.alters.adds.by-id".into(),
                        message: format!("no part {t} in control {control_id}"),
                    })?,
                    None => control,
                };
                let list = target
                    .as_object_mut()
                    .map(|o| o.entry(kind).or_insert_with(|| json!([])));
                if let Some(Value::Array(items)) = list {
                    if position == "starting" {
                        items.splice(0..0, new.iter().cloned());
                    } else {
                        items.extend(new.iter().cloned());
                    }
                }
            }
            ("before" | "after", Some(t)) => {
                let Some(items) = control.get_mut(kind).and_then(Value::as_array_mut) else {
                    continue;
                };
                if let Some(i) = items.iter().position(|item| id(item) == t) {
                    let at = if position == "before" { i } else { i + 1 };
                    items.splice(at..at, new.iter().cloned());
                }
            }
            (other, _) => {
                return Err(OscalError::Invalid {
                    field: "modify.alters.adds.position".into(),
                    message: format!("unsupported position {other:?}"),
                });
            }
        }
    }
    Ok(())
}

fn modify(result: &mut Value, modify: &Value) -> Result<(), OscalError> {
    let set_params: Vec<&Value> = modify
        .get("set-parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if !set_params.is_empty() {
        for_each_control_in(result, &mut |control| {
            if let Some(params) = control.get_mut("params").and_then(Value::as_array_mut) {
                for p in params.iter_mut() {
                    for s in &set_params {
                        if s.get("param-id").and_then(Value::as_str) == Some(id(p))
                            && let (Some(target), Some(source)) = (p.as_object_mut(), s.as_object())
                        {
                            for (k, v) in source.iter().filter(|(k, _)| *k != "param-id") {
                                target.insert(k.clone(), v.clone());
                            }
                        }
                    }
                }
            }
        });
    }
    let mut failure = None;
    for alter in modify
        .get("alters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(control_id) = alter.get("control-id").and_then(Value::as_str) else {
            continue;
        };
        for_each_control_in(result, &mut |control| {
            if id(control) != control_id {
                return;
            }
            for r in alter
                .get("removes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                remove_matching(control, r);
            }
            for a in alter
                .get("adds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Err(e) = add(control, a) {
                    failure.get_or_insert(e);
                }
            }
        });
    }
    failure.map_or(Ok(()), Err)
}

/// Profiles importing profiles may nest this deep; deeper is taken for a cycle.
const MAX_DEPTH: usize = 16;

/// Resolves `profile` (an OSCAL document `{"profile": …}`) into a catalog. `load` fetches an
/// import's `href` (a catalog or another profile, which is resolved in turn).
pub fn resolve(
    profile: &Value,
    load: &mut dyn FnMut(&str) -> Result<Value, OscalError>,
) -> Result<Value, OscalError> {
    resolve_at(profile, load, 0)
}

fn resolve_at(
    profile: &Value,
    load: &mut dyn FnMut(&str) -> Result<Value, OscalError>,
    depth: usize,
) -> Result<Value, OscalError> {
    if depth > MAX_DEPTH {
        return Err(OscalError::Invalid {
            field: "imports".into(),
            message: format!(
                "profiles import profiles more than {MAX_DEPTH} deep (an import cycle?)"
            ),
        });
    }
    let p = profile
        .get("profile")
        .ok_or_else(|| OscalError::NotA("document".into(), "profile"))?;
    let merge = p.get("merge");
    if merge.and_then(|m| m.get("custom")).is_some() {
        return Err(OscalError::Unsupported(
            "merge custom is not supported; use as-is or flat".into(),
        ));
    }
    let as_is = merge
        .and_then(|m| m.get("as-is"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut groups = Vec::new();
    let mut controls = Vec::new();
    let mut back_matter = Vec::new();
    let imports =
        p.get("imports")
            .and_then(Value::as_array)
            .ok_or_else(|| OscalError::Invalid {
                field: "imports".into(),
                message: "a profile imports at least one catalog or profile".into(),
            })?;
    for (n, import) in imports.iter().enumerate() {
        let href =
            import
                .get("href")
                .and_then(Value::as_str)
                .ok_or_else(|| OscalError::Invalid {
                    field: format!("imports[{n}].href"),
                    message: "missing".into(),
                })?;
        let mut doc = load(href)?;
        // Taken out of the document, not copied: catalogs are megabytes.
        let mut catalog = match super::model_of(&doc) {
            Some("catalog") => doc["catalog"].take(),
            Some("profile") => resolve_at(&doc, load, depth + 1)?["catalog"].take(),
            _ => return Err(OscalError::NotA(href.to_owned(), "catalog")),
        };
        let mut selected = match import.get("include-all") {
            Some(_) => {
                let mut all = Vec::new();
                walk(&catalog, &mut all);
                all.into_iter().map(|(c, _)| id(c).to_owned()).collect()
            }
            None => select(
                &catalog,
                import
                    .get("include-controls")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice),
                &format!("imports[{n}].include-controls"),
            )?,
        };
        let excluded = select(
            &catalog,
            import
                .get("exclude-controls")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice),
            &format!("imports[{n}].exclude-controls"),
        )?;
        selected.retain(|s| !excluded.contains(s));
        if as_is {
            groups.extend(keep_groups(&mut catalog, &selected));
            controls.extend(keep_controls(&mut catalog, &selected));
        } else {
            let mut all = keep_groups(&mut catalog, &selected);
            // flat: every kept control at the top, groups dissolved
            fn flatten(groups: &mut [Value], out: &mut Vec<Value>) {
                for g in groups.iter_mut() {
                    if let Some(Value::Array(mut inner)) =
                        g.as_object_mut().and_then(|o| o.remove("groups"))
                    {
                        flatten(&mut inner, out);
                    }
                    if let Some(Value::Array(c)) =
                        g.as_object_mut().and_then(|o| o.remove("controls"))
                    {
                        out.extend(c);
                    }
                }
            }
            flatten(&mut all, &mut controls);
            controls.extend(keep_controls(&mut catalog, &selected));
        }
        if let Some(resources) = catalog
            .get_mut("back-matter")
            .and_then(|b| b.get_mut("resources"))
            .and_then(Value::as_array_mut)
        {
            back_matter.append(resources);
        }
    }
    let mut metadata = p.get("metadata").cloned().unwrap_or_else(|| json!({}));
    if let Some(m) = metadata.as_object_mut() {
        m.insert("oscal-version".into(), json!(OSCAL_VERSION));
        let links = m.entry("links").or_insert_with(|| json!([]));
        if let Some(l) = links.as_array_mut() {
            l.push(json!({ "href": format!("#{}", p.get("uuid").and_then(Value::as_str).unwrap_or("")), "rel": "resolution-source" }));
        }
    }
    let mut out = Map::new();
    out.insert(
        "uuid".into(),
        json!(uuid_from(&format!(
            "resolved {}",
            p.get("uuid").and_then(Value::as_str).unwrap_or("")
        ))),
    );
    out.insert("metadata".into(), metadata);
    if !groups.is_empty() {
        out.insert("groups".into(), Value::Array(groups));
    }
    if !controls.is_empty() {
        out.insert("controls".into(), Value::Array(controls));
    }
    if !back_matter.is_empty() {
        out.insert("back-matter".into(), json!({ "resources": back_matter }));
    }
    let mut resolved = Value::Object(out);
    if let Some(m) = p.get("modify") {
        // Controls read as skeletons (lazy::read) are modified whole.
        super::lazy::materialize(&mut resolved)
            .map_err(|e| OscalError::Unsupported(format!("a control cannot be read: {e}")))?;
        modify(&mut resolved, m)?;
    }
    Ok(json!({ "catalog": resolved }))
}

/// Control ids of a catalog document, in document order.
pub fn control_ids(catalog: &Value) -> Vec<String> {
    let mut all = Vec::new();
    walk(catalog.get("catalog").unwrap_or(catalog), &mut all);
    all.into_iter().map(|(c, _)| id(c).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Value {
        json!({"catalog": {"uuid": "c", "metadata": {"title": "t"}, "groups": [
            {"id": "ac", "title": "AC", "controls": [
                {"id": "ac-1", "title": "one", "params": [{"id": "ac-1_prm_1", "label": "who"}],
                 "parts": [{"id": "ac-1_smt", "name": "statement", "parts": [{"id": "ac-1_smt.a", "name": "item"}]},
                           {"id": "ac-1_gdn", "name": "guidance"}],
                 "controls": [{"id": "ac-1.1", "title": "one.one"}, {"id": "ac-1.2", "title": "one.two"}]},
                {"id": "ac-2", "title": "two"}]},
            {"id": "au", "title": "AU", "controls": [{"id": "au-1", "title": "audit"}]}
        ]}})
    }

    /// Resolves `profile` against the catalog read whole and read as skeletons
    /// ([`super::super::lazy`]): both give the same document.
    fn run(profile: Value) -> Value {
        let cat = catalog();
        let profile = json!({ "profile": profile });
        let whole = resolve(&profile, &mut |_| Ok(cat.clone())).expect("resolves");
        let text = serde_json::to_vec(&cat).expect("json");
        let lazy = resolve(&profile, &mut |_| {
            Ok(super::super::lazy::read(&text).expect("json"))
        })
        .expect("resolves");
        let written = super::super::lazy::to_pretty(&lazy).expect("written");
        let written: Value = serde_json::from_slice(&written).expect("json");
        assert_eq!(written, whole, "read as skeletons");
        whole
    }

    #[test]
    fn selection_and_merge() {
        let base = |include: Value| json!({"uuid": "p", "metadata": {"title": "p"}, "imports": [{"href": "c.json", "include-controls": include}], "merge": {"as-is": true}});
        let cases = [
            (json!([{"with-ids": ["ac-1"]}]), vec!["ac-1"]),
            (
                json!([{"with-ids": ["ac-1"], "with-child-controls": "yes"}]),
                vec!["ac-1", "ac-1.1", "ac-1.2"],
            ),
            (json!([{"with-ids": ["ac-1.2"]}]), vec!["ac-1.2"]),
            (
                json!([{"matching": [{"pattern": "a?-*"}]}]),
                vec!["ac-1", "ac-1.1", "ac-1.2", "ac-2", "au-1"],
            ),
        ];
        for (include, expected) in cases {
            assert_eq!(
                control_ids(&run(base(include.clone()))),
                expected,
                "{include}"
            );
        }
        let excluded = run(
            json!({"uuid": "p", "metadata": {"title": "p"}, "imports": [{"href": "c", "include-all": {}, "exclude-controls": [{"with-ids": ["ac-1"], "with-child-controls": "yes"}]}], "merge": {"as-is": true}}),
        );
        assert_eq!(control_ids(&excluded), ["ac-2", "au-1"]);
        let groups: Vec<&str> = excluded["catalog"]["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(id)
            .collect();
        assert_eq!(groups, ["ac", "au"]);
        let flat = run(
            json!({"uuid": "p", "metadata": {"title": "p"}, "imports": [{"href": "c", "include-all": {}}], "merge": {"flat": {}}}),
        );
        assert!(flat["catalog"].get("groups").is_none());
        assert_eq!(control_ids(&flat).len(), 5);
    }

    #[test]
    fn modifications() {
        let resolved = run(json!({"uuid": "p", "metadata": {"title": "p"},
        "imports": [{"href": "c", "include-controls": [{"with-ids": ["ac-1"]}]}],
        "merge": {"as-is": true},
        "modify": {
            "set-parameters": [{"param-id": "ac-1_prm_1", "values": ["the CISO"]}],
            "alters": [{"control-id": "ac-1",
                "removes": [{"by-name": "guidance"}],
                "adds": [{"position": "ending", "by-id": "ac-1_smt", "parts": [{"id": "ac-1_smt.b", "name": "item", "prose": "added"}]},
                         {"position": "after", "by-id": "ac-1_smt", "parts": [{"id": "ac-1_ism", "name": "ismap-note"}]}]}]
        }}));
        let control = &resolved["catalog"]["groups"][0]["controls"][0];
        assert_eq!(control["params"][0]["values"], json!(["the CISO"]));
        let parts: Vec<&str> = control["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .map(id)
            .collect();
        assert_eq!(
            parts,
            ["ac-1_smt", "ac-1_ism"],
            "guidance removed, a part added after the statement"
        );
        let items: Vec<&str> = control["parts"][0]["parts"]
            .as_array()
            .expect("items")
            .iter()
            .map(id)
            .collect();
        assert_eq!(items, ["ac-1_smt.a", "ac-1_smt.b"]);
    }

    #[test]
    fn an_import_cycle_is_an_error() {
        let profile = json!({"profile": {"uuid": "p", "metadata": {"title": "p"}, "imports": [{"href": "self.json", "include-all": {}}]}});
        let copy = profile.clone();
        let err = resolve(&profile, &mut |_| Ok(copy.clone())).expect_err("a cycle");
        assert!(err.to_string().contains("import cycle"), "{err}");
    }

    #[test]
    fn globs() {
        for (p, t, m) in [
            ("ac-*", "ac-1.2", true),
            ("ac-?", "ac-1", true),
            ("ac-?", "ac-10", false),
            ("*", "", true),
            ("a*c", "abbc", true),
            ("a*c", "abbd", false),
        ] {
            assert_eq!(glob(p, t), m, "{p} {t}");
        }
    }
}
