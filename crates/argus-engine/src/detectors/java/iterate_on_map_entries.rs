use super::super::prelude::*;
use super::quality::declaration;
use super::{call_args, descendants, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds loops over a map's keys that look each value up again:
    /// `for (K key : map.keySet()) { ... map.get(key) ... }`.
    ///
    /// Maps whose declared type is not a `Map` (Guava `Multimap`,
    /// `Properties`-like wrappers with their own `get`) and loops that
    /// modify the map are not reported.
    ///
    /// ## Why is this bad?
    /// Every `get` hashes the key and searches the map again (a tree walk
    /// for a `TreeMap`), although the iteration already visited the entry
    /// holding the value. Iterating `entrySet()` gives key and value
    /// together in one pass.
    ///
    /// ## Example
    /// ```java
    /// for (String name : headers.keySet()) {
    ///     response.addHeader(name, headers.get(name));
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// for (Map.Entry<String, String> header : headers.entrySet()) {
    ///     response.addHeader(header.getKey(), header.getValue());
    /// }
    /// ```
    ///
    /// ## References
    /// - [java.util.Map.entrySet](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/Map.html#entrySet())
    /// - [CWE-1176: Inefficient CPU Computation](https://cwe.mitre.org/data/definitions/1176.html)
    pub static SPEC = {
        ids: &["java/iterate-on-map-entries@v1.0"],
        languages: &[Language::Java],
        name: "Map iterated by key, values looked up",
        category: Category::Quality,
        cwes: &[1176],
        tags: &["performance"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Iterate map.entrySet() and use entry.getKey() and entry.getValue().",
        keywords: &["keySet()"],
        check: Check::Node { kinds: &["enhanced_for_statement"], run: check },
    };
}

/// Methods that change the map (the loop would then need an iterator).
const MUTATORS: &[&str] = &["put", "remove", "clear", "putAll", "compute", "merge"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(value), Some(key), Some(body)) = (
        node.child_by_field_name("value"),
        node.child_by_field_name("name"),
        node.child_by_field_name("body"),
    ) else {
        return;
    };
    if method_name(value, text) != Some("keySet") || !call_args(value).is_empty() {
        return;
    }
    let Some(map) = receiver(value) else {
        return;
    };
    if !matches!(map.kind(), "identifier" | "field_access") {
        return;
    }
    if map.kind() == "identifier"
        && let Some(decl) = declaration(map, text)
    {
        let ty = node_text(decl.ty, text);
        let base = ty.split('<').next().unwrap_or(ty).trim();
        if !base.ends_with("Map") || base.ends_with("Multimap") {
            return;
        }
    }
    let map_text = node_text(map, text);
    let key_text = node_text(key, text);
    let mut looked_up = None;
    for n in descendants(body) {
        if n.kind() != "method_invocation"
            || receiver(n).is_none_or(|r| node_text(r, text) != map_text)
        {
            continue;
        }
        let name = method_name(n, text).unwrap_or_default();
        if MUTATORS.contains(&name) {
            return;
        }
        let args = call_args(n);
        if name == "get" && args.len() == 1 && node_text(args[0], text) == key_text {
            looked_up.get_or_insert(n);
        }
    }
    if looked_up.is_none() {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "lookup-per-key",
            format!(
                "the loop over {map_text}.keySet() looks each value up with {map_text}.get({key_text}): iterate {map_text}.entrySet() instead"
            ),
        ),
    );
}
