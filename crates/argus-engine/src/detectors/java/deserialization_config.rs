//! Deserializers configured so that the input names the classes to
//! instantiate, reported by `java/untrusted-deserialization` whatever the
//! data (its taint part follows request data into deserializers):
//!
//! - Jackson `enableDefaultTyping(...)` (any form: it trusts every class
//!   name the JSON gives), and `activateDefaultTyping(...)` whose validator
//!   is `LaissezFaireSubTypeValidator` or a `BasicPolymorphicTypeValidator`
//!   allowing `Object` (or `Serializable`, or every class name prefix);
//! - `@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)` (or `MINIMAL_CLASS`) on a
//!   field, getter, setter or parameter whose type (or element type, for
//!   collections, maps and arrays) is `Object`, `Serializable`,
//!   `Comparable` or an unbounded type variable: any class on the class
//!   path can then be named. The annotation on a class or on a property of
//!   a specific type only admits that type's subtypes and is not reported;
//! - XStream: `new XStream()` whose instance reads XML (`fromXML`) in the
//!   file while no permission is configured (`allowTypes`,
//!   `allowTypesByWildcard`, `allowTypesByRegExp`, `allowTypeHierarchy`,
//!   `addPermission`, `setupDefaultSecurity`). XStream 1.4.18 and later
//!   deny unknown types by default, earlier versions deserialize any class
//!   (the message says so); `addPermission(AnyTypePermission.ANY)` and
//!   wildcards matching every type are reported in every version;
//! - SnakeYAML: `new Yaml()` without a `SafeConstructor` whose `load`,
//!   `loadAll` or `loadAs` reads a document in the file: before SnakeYAML
//!   2.0 the default constructor instantiates any class a `!!` tag names.
//!
//! A document that is a resource of the application itself
//! (`getResourceAsStream`, literal text) is not reported for XStream and
//! SnakeYAML.

use std::ops::Range;

use tree_sitter::Node;

use super::super::{Checker, Violation};
use super::xml::{climb, field_declaration, local_declaration, own_document, unwrap};
use super::{call_args, descendants, enclosing_class, enclosing_method};
use crate::semantic::{SemanticModel, node_text, string_literal};

const RULE: &str = "untrusted-deserialization";

/// Reports the unsafe configurations found at `node`.
pub fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    for (range, message) in violations(node, checker.text, checker.semantic) {
        // Report on the node covering the range (the node itself or the
        // argument the message is about).
        let target = node
            .descendant_for_byte_range(range.start, range.end)
            .unwrap_or(node);
        checker.report(target, Violation::new(RULE, message));
    }
}

/// The byte ranges and messages of the unsafe configurations at `node`.
pub(crate) fn violations(
    node: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    match node.kind() {
        "method_invocation" => {
            jackson_default_typing(node, text, semantic, &mut out);
            xstream_permission(node, text, semantic, &mut out);
        }
        "object_creation_expression" => {
            let names = semantic.callee_names(node, text);
            if names
                .iter()
                .any(|n| n == "com.thoughtworks.xstream.XStream")
            {
                xstream(node, text, &mut out);
            } else if names.iter().any(|n| n == "org.yaml.snakeyaml.Yaml") {
                snakeyaml(node, text, &mut out);
            }
        }
        "annotation" => json_type_info(node, text, semantic, &mut out),
        _ => {}
    }
    out
}

fn imports_jackson(semantic: &SemanticModel) -> bool {
    semantic.imports_any(&["com.fasterxml.jackson", "org.codehaus.jackson"])
}

fn method_name<'t>(call: Node<'_>, text: &'t str) -> &'t str {
    call.child_by_field_name("name")
        .map(|n| node_text(n, text))
        .unwrap_or_default()
}

/// `mapper.enableDefaultTyping(...)`, `activateDefaultTyping(laissezFaire)`.
fn jackson_default_typing(
    call: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    out: &mut Vec<(Range<usize>, String)>,
) {
    let name = method_name(call, text);
    if !name.starts_with("enableDefaultTyping") && !name.starts_with("activateDefaultTyping") {
        return;
    }
    if !imports_jackson(semantic) || call.child_by_field_name("object").is_none() {
        return;
    }
    if name.starts_with("enableDefaultTyping") {
        out.push((
            call.byte_range(),
            format!(
                "Jackson `{name}` lets the JSON name any class to instantiate; use `activateDefaultTyping` with a `BasicPolymorphicTypeValidator` that allows only your types"
            ),
        ));
        return;
    }
    let Some(validator) = call_args(call).first().copied() else {
        return;
    };
    if let Some(why) = permissive_validator(validator, text, 0) {
        out.push((
            call.byte_range(),
            format!("Jackson `{name}` with a validator that {why}: the JSON can name any class to instantiate"),
        ));
    }
}

/// Why a `PolymorphicTypeValidator` expression admits every class.
fn permissive_validator(expr: Node<'_>, text: &str, depth: usize) -> Option<&'static str> {
    if depth > 4 {
        return None;
    }
    let expr = unwrap(expr);
    let written = node_text(expr, text);
    if written.contains("LaissezFaireSubTypeValidator") {
        return Some("allows every subtype (LaissezFaireSubTypeValidator)");
    }
    match expr.kind() {
        "identifier" => {
            let name = node_text(expr, text);
            let (_, value) = local_declaration(expr, name, text)
                .or_else(|| field_declaration(expr, name, text))?;
            permissive_validator(value?, text, depth + 1)
        }
        "method_invocation" => {
            for node in descendants(expr) {
                if node.kind() != "method_invocation" {
                    continue;
                }
                let method = method_name(node, text);
                if !method.starts_with("allowIf") {
                    continue;
                }
                let Some(arg) = call_args(node).first().map(|a| unwrap(*a)) else {
                    continue;
                };
                let arg_text = node_text(arg, text);
                if matches!(
                    arg_text,
                    "Object.class"
                        | "java.lang.Object.class"
                        | "Serializable.class"
                        | "java.io.Serializable.class"
                ) && matches!(method, "allowIfBaseType" | "allowIfSubType")
                {
                    return Some("allows every subtype of Object");
                }
                if string_literal(arg, text).is_some_and(|p| p.is_empty() || p == "java.")
                    && matches!(method, "allowIfBaseType" | "allowIfSubType")
                {
                    return Some("allows every class name prefix");
                }
            }
            None
        }
        _ => None,
    }
}

/// Types that admit any class.
fn open_type(ty: Node<'_>, text: &str) -> bool {
    let ty = if ty.kind() == "array_type" {
        match ty.child_by_field_name("element") {
            Some(e) => e,
            None => return false,
        }
    } else {
        ty
    };
    let written = node_text(ty, text);
    let base = written.split('<').next().unwrap_or(written).trim();
    let simple = base.rsplit('.').next().unwrap_or(base);
    if matches!(
        simple,
        "Object" | "Serializable" | "Comparable" | "Cloneable"
    ) {
        return true;
    }
    if unbounded_type_variable(ty, simple, text) {
        return true;
    }
    // A container: judge its (last) type argument.
    if ty.kind() == "generic_type"
        && matches!(
            simple,
            "List"
                | "Set"
                | "Collection"
                | "Map"
                | "HashMap"
                | "ArrayList"
                | "LinkedList"
                | "HashSet"
                | "TreeMap"
                | "LinkedHashMap"
                | "SortedMap"
                | "Optional"
                | "Iterable"
                | "Queue"
                | "Deque"
        )
        && let Some(arguments) = ty
            .named_children(&mut ty.walk())
            .find(|c| c.kind() == "type_arguments")
    {
        let count = arguments.named_child_count();
        if count > 0
            && let Some(last) = arguments.named_child((count - 1) as u32)
        {
            return open_type(last, text);
        }
    }
    false
}

/// A type variable of an enclosing class or method without an upper bound.
fn unbounded_type_variable(ty: Node<'_>, simple: &str, text: &str) -> bool {
    if ty.kind() != "type_identifier" {
        return false;
    }
    let mut scope = ty.parent();
    while let Some(node) = scope {
        if let Some(parameters) = node.child_by_field_name("type_parameters").filter(|_| {
            matches!(
                node.kind(),
                "class_declaration"
                    | "interface_declaration"
                    | "method_declaration"
                    | "record_declaration"
            )
        }) {
            for parameter in parameters.named_children(&mut parameters.walk()) {
                if parameter.kind() != "type_parameter" {
                    continue;
                }
                let mut cursor = parameter.walk();
                let children: Vec<Node<'_>> = parameter.named_children(&mut cursor).collect();
                let declared = children
                    .iter()
                    .find(|c| matches!(c.kind(), "type_identifier" | "identifier"))
                    .map(|c| node_text(*c, text));
                if declared == Some(simple) {
                    return !children.iter().any(|c| c.kind() == "type_bound");
                }
            }
        }
        scope = node.parent();
    }
    false
}

/// `@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)` on a property of an open type.
fn json_type_info(
    annotation: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    out: &mut Vec<(Range<usize>, String)>,
) {
    let Some(name) = annotation.child_by_field_name("name") else {
        return;
    };
    let qualified = semantic.qualified_names(name, text);
    if !qualified.iter().any(|q| {
        q == "com.fasterxml.jackson.annotation.JsonTypeInfo"
            || q == "org.codehaus.jackson.annotate.JsonTypeInfo"
    }) {
        return;
    }
    let Some(arguments) = annotation.child_by_field_name("arguments") else {
        return;
    };
    let id = arguments
        .named_children(&mut arguments.walk())
        .filter(|pair| pair.kind() == "element_value_pair")
        .find(|pair| {
            pair.child_by_field_name("key")
                .is_some_and(|k| node_text(k, text) == "use")
        })
        .and_then(|pair| pair.child_by_field_name("value"))
        .map(|v| node_text(v, text));
    let Some(id) = id else {
        return;
    };
    let id = id.rsplit('.').next().unwrap_or(id);
    if id != "CLASS" && id != "MINIMAL_CLASS" {
        return;
    }
    // The annotated declaration: modifiers -> declaration.
    let Some(declaration) = annotation
        .parent()
        .filter(|m| m.kind() == "modifiers")
        .and_then(|m| m.parent())
    else {
        return;
    };
    let ty = match declaration.kind() {
        "field_declaration" | "formal_parameter" => declaration.child_by_field_name("type"),
        "method_declaration" => {
            let returns = declaration.child_by_field_name("type");
            match returns {
                Some(t) if node_text(t, text) != "void" => Some(t),
                // A setter: its parameter.
                _ => declaration
                    .child_by_field_name("parameters")
                    .and_then(|p| {
                        p.named_children(&mut p.walk())
                            .find(|c| c.kind() == "formal_parameter")
                    })
                    .and_then(|p| p.child_by_field_name("type")),
            }
        }
        _ => None,
    };
    let Some(ty) = ty else {
        return;
    };
    if open_type(ty, text) {
        out.push((
            annotation.byte_range(),
            format!(
                "`@JsonTypeInfo(use = Id.{id})` on a property of type `{}` lets the JSON name any class to instantiate; use `Id.NAME` with `@JsonSubTypes`",
                node_text(ty, text)
            ),
        ));
    }
}

/// The calls made on the object a creation expression makes: chained on
/// it, or on the local variable or field it is stored in (also calls
/// passing it as an argument, marked `true`).
fn calls_on<'t>(creation: Node<'t>, text: &str) -> Vec<(Node<'t>, bool)> {
    let top = climb(creation);
    let Some(parent) = top.parent() else {
        return Vec::new();
    };
    if parent.kind() == "method_invocation" && parent.child_by_field_name("object") == Some(top) {
        return vec![(parent, false)];
    }
    let (name, field, at) = match parent.kind() {
        "variable_declarator" => {
            let Some(name) = parent.child_by_field_name("name") else {
                return Vec::new();
            };
            let field = parent
                .parent()
                .is_some_and(|d| d.kind() == "field_declaration");
            (node_text(name, text), field, parent)
        }
        "assignment_expression" => {
            let Some(left) = parent.child_by_field_name("left") else {
                return Vec::new();
            };
            match left.kind() {
                "identifier" => {
                    let name = node_text(left, text);
                    (name, local_declaration(left, name, text).is_none(), parent)
                }
                "field_access" => match left.child_by_field_name("field") {
                    Some(f) => (node_text(f, text), true, parent),
                    None => return Vec::new(),
                },
                _ => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    let scope = if field {
        enclosing_class(at).and_then(|c| c.child_by_field_name("body"))
    } else {
        enclosing_method(at)
    };
    let Some(scope) = scope else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    for node in descendants(scope) {
        if node.kind() != "method_invocation" {
            continue;
        }
        let on_it = |expr: Node<'_>| {
            let expr = unwrap(expr);
            match expr.kind() {
                "identifier" => node_text(expr, text) == name,
                "field_access" => {
                    field
                        && expr
                            .child_by_field_name("object")
                            .is_some_and(|o| o.kind() == "this")
                        && expr
                            .child_by_field_name("field")
                            .is_some_and(|f| node_text(f, text) == name)
                }
                _ => false,
            }
        };
        if node.child_by_field_name("object").is_some_and(on_it) {
            calls.push((node, false));
        } else if call_args(node).into_iter().any(on_it) {
            calls.push((node, true));
        }
    }
    calls
}

const XSTREAM_PERMISSIONS: &[&str] = &[
    "allowTypes",
    "allowTypesByWildcard",
    "allowTypesByRegExp",
    "allowTypeHierarchy",
    "addPermission",
    "setupDefaultSecurity",
];

/// `new XStream()` reading XML with no permission configured.
fn xstream(creation: Node<'_>, text: &str, out: &mut Vec<(Range<usize>, String)>) {
    // A subclass body may configure permissions itself.
    if creation
        .named_children(&mut creation.walk())
        .any(|c| c.kind() == "class_body")
    {
        return;
    }
    let calls = calls_on(creation, text);
    let configured = calls.iter().any(|(c, _)| {
        let name = method_name(*c, text);
        XSTREAM_PERMISSIONS.contains(&name)
    });
    // Handed to code elsewhere, which may configure it.
    if configured || calls.iter().any(|(_, passed)| *passed) {
        return;
    }
    let reads = calls.iter().any(|(c, _)| {
        method_name(*c, text) == "fromXML"
            && call_args(*c)
                .first()
                .is_some_and(|input| !own_document(*input, text))
    });
    if reads {
        out.push((
            creation.byte_range(),
            "XStream reads XML without a type permission (allowTypes/addPermission): before XStream 1.4.18 any class named in the XML is instantiated".to_string(),
        ));
    }
}

/// `xstream.addPermission(AnyTypePermission.ANY)` and wildcards admitting
/// every type.
fn xstream_permission(
    call: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    out: &mut Vec<(Range<usize>, String)>,
) {
    if !semantic.imports("com.thoughtworks.xstream") {
        return;
    }
    let name = method_name(call, text);
    let Some(arg) = call_args(call).first().map(|a| unwrap(*a)) else {
        return;
    };
    let written = node_text(arg, text);
    let every = match name {
        "addPermission" => written.ends_with("AnyTypePermission.ANY") || written == "ANY",
        "allowTypesByWildcard" => descendants(arg)
            .into_iter()
            .filter_map(|n| string_literal(n, text))
            .any(|p| p == "**" || p == "*" || p == "**.**"),
        "allowTypesByRegExp" => descendants(arg)
            .into_iter()
            .filter_map(|n| string_literal(n, text))
            .any(|p| p == ".*" || p == ".+" || p == "^.*$"),
        _ => false,
    };
    if every {
        out.push((
            call.byte_range(),
            format!(
                "XStream `{name}` admits every type: any class named in the XML is instantiated"
            ),
        ));
    }
}

/// `new Yaml()` without a `SafeConstructor` whose `load` reads a document.
fn snakeyaml(creation: Node<'_>, text: &str, out: &mut Vec<(Range<usize>, String)>) {
    if creation
        .named_children(&mut creation.walk())
        .any(|c| c.kind() == "class_body")
    {
        return;
    }
    let safe = call_args(creation)
        .into_iter()
        .any(|a| safe_constructor(a, text));
    if safe {
        return;
    }
    let reads = calls_on(creation, text).into_iter().any(|(c, passed)| {
        !passed
            && matches!(method_name(c, text), "load" | "loadAll" | "loadAs")
            && call_args(c)
                .first()
                .is_some_and(|input| !own_document(*input, text))
    });
    if reads {
        out.push((
            creation.byte_range(),
            "SnakeYAML `Yaml` without a SafeConstructor loads documents: before SnakeYAML 2.0 any class named by a `!!` tag is instantiated".to_string(),
        ));
    }
}

/// Whether a `Yaml` constructor argument is (or holds) a `SafeConstructor`.
fn safe_constructor(arg: Node<'_>, text: &str) -> bool {
    let arg = unwrap(arg);
    match arg.kind() {
        "object_creation_expression" => arg
            .child_by_field_name("type")
            .is_some_and(|t| node_text(t, text).ends_with("SafeConstructor")),
        "identifier" => {
            let name = node_text(arg, text);
            match local_declaration(arg, name, text).or_else(|| field_declaration(arg, name, text))
            {
                Some((ty, value)) => {
                    ty.is_some_and(|t| node_text(t, text).ends_with("SafeConstructor"))
                        || value.is_some_and(|v| safe_constructor(v, text))
                }
                None => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lang::{Grammar, ParseOutcome, parse};

    /// The messages reported on a Java snippet, with the reported text.
    fn run(source: &str) -> Vec<(String, String)> {
        let ParseOutcome::Parsed(tree) = parse(Grammar::Java, source, Duration::from_secs(5))
        else {
            panic!("parse timed out");
        };
        let semantic = SemanticModel::for_tree(Grammar::Java, tree.root_node(), source);
        let mut found = Vec::new();
        for node in descendants(tree.root_node()) {
            if matches!(
                node.kind(),
                "method_invocation" | "object_creation_expression" | "annotation"
            ) {
                for (range, message) in violations(node, source, &semantic) {
                    found.push((source[range].to_string(), message));
                }
            }
        }
        found
    }

    fn flagged(source: &str) -> Vec<String> {
        run(source).into_iter().map(|(code, _)| code).collect()
    }

    #[test]
    fn jackson_default_typing() {
        let source = r#"
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
class A {
    void a(ObjectMapper mapper) {
        mapper.enableDefaultTyping();
        mapper.enableDefaultTyping(ObjectMapper.DefaultTyping.NON_FINAL);
        mapper.activateDefaultTyping(LaissezFaireSubTypeValidator.instance);
        BasicPolymorphicTypeValidator open = BasicPolymorphicTypeValidator.builder()
            .allowIfBaseType(Object.class).build();
        mapper.activateDefaultTyping(open, ObjectMapper.DefaultTyping.NON_FINAL);
        BasicPolymorphicTypeValidator strict = BasicPolymorphicTypeValidator.builder()
            .allowIfSubType("com.example.model.").build();
        mapper.activateDefaultTyping(strict);
        mapper.activateDefaultTyping(mapper.getPolymorphicTypeValidator());
    }
}
"#;
        let found = flagged(source);
        assert_eq!(
            found,
            vec![
                "mapper.enableDefaultTyping()",
                "mapper.enableDefaultTyping(ObjectMapper.DefaultTyping.NON_FINAL)",
                "mapper.activateDefaultTyping(LaissezFaireSubTypeValidator.instance)",
                "mapper.activateDefaultTyping(open, ObjectMapper.DefaultTyping.NON_FINAL)",
            ]
        );
    }

    #[test]
    fn enable_default_typing_needs_jackson() {
        let source = r#"
class A {
    void a(Settings s) { s.enableDefaultTyping(); }
}
"#;
        assert!(flagged(source).is_empty());
    }

    #[test]
    fn json_type_info_on_open_types() {
        let source = r#"
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
class Message<T, B extends Animal> {
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private Object payload;
    @JsonTypeInfo(use = JsonTypeInfo.Id.MINIMAL_CLASS, include = JsonTypeInfo.As.PROPERTY)
    private Map<String, Serializable> extras;
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private T body;
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private List<Object> items;
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public void setValue(Object value) {}
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private Animal pet;
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private B bounded;
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    private Object named;
}
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
abstract class Animal {}
"#;
        let found = flagged(source);
        assert_eq!(found.len(), 5, "{found:?}");
        let messages = run(source);
        assert!(messages[0].1.contains("`Object`"), "{messages:?}");
    }

    #[test]
    fn json_type_info_needs_jackson() {
        let source = r#"
class A {
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    private Object payload;
}
"#;
        assert!(flagged(source).is_empty());
    }

    #[test]
    fn xstream_without_permissions() {
        let source = r#"
import com.thoughtworks.xstream.XStream;
import com.thoughtworks.xstream.security.AnyTypePermission;
class A {
    Object open(String xml) {
        XStream xstream = new XStream();
        return xstream.fromXML(xml);
    }
    Object chained(String xml) {
        return new XStream().fromXML(xml);
    }
    Object allowed(String xml) {
        XStream xstream = new XStream();
        xstream.allowTypes(new Class[] { Order.class });
        return xstream.fromXML(xml);
    }
    Object everything(String xml) {
        XStream xstream = new XStream();
        xstream.addPermission(AnyTypePermission.ANY);
        return xstream.fromXML(xml);
    }
    String writeOnly(Object o) {
        XStream xstream = new XStream();
        return xstream.toXML(o);
    }
    Object bundled() {
        XStream xstream = new XStream();
        return xstream.fromXML(getClass().getResourceAsStream("/defaults.xml"));
    }
    Object configuredElsewhere(String xml) {
        XStream xstream = new XStream();
        Security.harden(xstream);
        return xstream.fromXML(xml);
    }
}
class B {
    private final XStream xstream = new XStream();
    B() { xstream.allowTypesByWildcard(new String[] { "com.example.**" }); }
    Object read(String xml) { return xstream.fromXML(xml); }
}
class C {
    private final XStream xstream = new XStream();
    Object read(String xml) { return this.xstream.fromXML(xml); }
}
"#;
        let found = flagged(source);
        assert_eq!(
            found,
            vec![
                "new XStream()",
                "new XStream()",
                "xstream.addPermission(AnyTypePermission.ANY)",
                "new XStream()",
            ]
        );
    }

    #[test]
    fn snakeyaml_default_constructor() {
        let source = r#"
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.Constructor;
import org.yaml.snakeyaml.constructor.SafeConstructor;
class A {
    Object open(String doc) {
        Yaml yaml = new Yaml();
        return yaml.load(doc);
    }
    Object typed(java.io.InputStream in) {
        return new Yaml(new Constructor(Config.class)).loadAs(in, Config.class);
    }
    Object safe(String doc) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return yaml.load(doc);
    }
    Object safeVariable(String doc) {
        SafeConstructor constructor = new SafeConstructor();
        return new Yaml(constructor).load(doc);
    }
    String dumpOnly(Object o) {
        return new Yaml().dump(o);
    }
    Object bundled() {
        return new Yaml().load(A.class.getResourceAsStream("/defaults.yml"));
    }
}
"#;
        let found = flagged(source);
        assert_eq!(
            found,
            vec!["new Yaml()", "new Yaml(new Constructor(Config.class))"]
        );
    }

    #[test]
    fn snakeyaml_lookalike() {
        let source = r#"
class A {
    Object a(String doc) { return new Yaml().load(doc); }
}
"#;
        assert!(flagged(source).is_empty());
    }
}
