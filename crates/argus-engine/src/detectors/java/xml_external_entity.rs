use super::super::prelude::*;
use super::xml::{
    bool_value, climb, field_declaration, local_declaration, own_document, setting_key,
    simple_type_name, unwrap,
};
use super::{call_args, constant_string, descendants, enclosing_class, enclosing_method};

detector! {
    /// ## What it does
    /// Finds XML parsers that read a document while DTDs and external
    /// entities are still enabled: JAXP's `DocumentBuilderFactory`,
    /// `SAXParserFactory`, `XMLInputFactory` (StAX), `TransformerFactory`,
    /// `SchemaFactory` (and the `Validator`s of its schemas),
    /// `XMLReaderFactory.createXMLReader()`, dom4j's `new SAXReader()` and
    /// JDOM's `new SAXBuilder()`.
    ///
    /// The factory (or reader) is followed from its creation through the
    /// variables, fields and objects made from it (`newDocumentBuilder()`,
    /// `newSAXParser()`, `getXMLReader()`, `newTransformer()`,
    /// `newSchema()`, `newValidator()`) within the method, or within the
    /// class for a field. It is reported at its creation when one of them
    /// parses a document and nothing protects it:
    ///
    /// - `setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)`
    ///   protects every SAX/DOM parser (JAXP, `XMLReader`, dom4j, JDOM);
    /// - `external-general-entities`, `external-parameter-entities` and
    ///   `load-external-dtd` all turned off protect them too (the first two
    ///   without the third still fetch the external DTD and are reported);
    /// - `XMLConstants.ACCESS_EXTERNAL_DTD` set to `""` (JAXP 1.5) protects
    ///   every JAXP factory, parser, validator and transformer;
    /// - `XMLConstants.FEATURE_SECURE_PROCESSING` set to `true` explicitly
    ///   protects the JAXP factories: the JDK's implementation then denies
    ///   all external DTD and schema access;
    /// - `XMLInputFactory.SUPPORT_DTD` or `IS_SUPPORTING_EXTERNAL_ENTITIES`
    ///   set to `false` protects StAX;
    /// - a resolver (`setEntityResolver`, `setXMLResolver`,
    ///   `setResourceResolver`, or a handler in the file overriding
    ///   `resolveEntity`) hands entity resolution to the application;
    /// - the factory passed to a method of the file that makes one of these
    ///   settings, or to a method of another file named like a hardening
    ///   helper (`configure`, `secure`, `harden`...), counts as protected.
    ///   Passed to any other method of another file, it is not reported
    ///   (that code may configure it).
    ///
    /// Only parsing that can read an attacker's document is reported. A
    /// resource of the application itself (`getResourceAsStream`,
    /// `getResource`, a literal path or literal XML) is trusted, as is a
    /// transformation or validation of an in-memory `DOMSource`/`StAXSource`
    /// (nothing is parsed). Documents a program's `static main` reads are
    /// chosen by whoever runs it (command-line tools and samples) and are
    /// not reported either. A parser that never parses in the file is
    /// reported only when a method named like a parser provider
    /// (`newSAXParser`, `createXmlReader`, `getParserFactory`...) returns it
    /// unprotected: its callers parse with it. A `DocumentBuilder` returned
    /// to build documents (`getDocumentBuilder()` in serializers) and a
    /// `Transformer` that only writes are not findings. An `XMLReader`
    /// obtained from a `SAXParser` (or a `Validator` from a `Schema`) made
    /// elsewhere inherits that factory's settings and is judged there.
    /// JAXB's `Unmarshaller` is not reported: the JAXB reference
    /// implementation parses streams with secure processing on; when it
    /// unmarshals an `XMLStreamReader`, the `XMLInputFactory` that made the
    /// reader is what this rule checks.
    ///
    /// ## Why is this bad?
    /// A document with `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>`
    /// makes the parser paste the file into the parsed content (which is
    /// often echoed back), fetch internal URLs (server-side request
    /// forgery), or, through external parameter entities, send the data
    /// out even when nothing is echoed. Entity definitions nested in a DTD
    /// (billion laughs) also exhaust memory (CWE-776).
    ///
    /// ## Example
    /// ```java
    /// DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    /// Document doc = factory.newDocumentBuilder().parse(request.getInputStream());
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    /// factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    /// Document doc = factory.newDocumentBuilder().parse(request.getInputStream());
    /// ```
    /// For StAX set `XMLInputFactory.SUPPORT_DTD` to `false`; for
    /// `TransformerFactory`, `SchemaFactory` and `Validator` set
    /// `XMLConstants.ACCESS_EXTERNAL_DTD` (and `ACCESS_EXTERNAL_STYLESHEET`
    /// or `ACCESS_EXTERNAL_SCHEMA`) to `""`.
    ///
    /// ## References
    /// - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [CWE-776: Improper Restriction of Recursive Entity References in DTDs](https://cwe.mitre.org/data/definitions/776.html)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    /// - [JAXP 1.5 and new properties](https://docs.oracle.com/javase/tutorial/jaxp/properties/index.html)
    pub static SPEC = {
        ids: &["java/xml-external-entity@v1.0"],
        languages: &[Language::Java],
        name: "XML external entity",
        category: Category::Security,
        cwes: &[611, 776],
        tags: &["xml", "xxe", "injection", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Disallow DOCTYPE declarations (disallow-doctype-decl), or turn off external entities and DTD loading, before parsing untrusted XML.",
        keywords: &[
            "DocumentBuilderFactory",
            "SAXParserFactory",
            "XMLInputFactory",
            "TransformerFactory",
            "SchemaFactory",
            "XMLReaderFactory",
            "SAXReader",
            "SAXBuilder",
        ],
        check: Check::Node {
            kinds: &["method_invocation", "object_creation_expression"],
            run: check,
        },
    };
}

const RULE: &str = "xml-external-entity";

const DISALLOW_DOCTYPE: &str = "http://apache.org/xml/features/disallow-doctype-decl";
const GENERAL_ENTITIES: &str = "http://xml.org/sax/features/external-general-entities";
const PARAMETER_ENTITIES: &str = "http://xml.org/sax/features/external-parameter-entities";
const LOAD_EXTERNAL_DTD: &str = "http://apache.org/xml/features/nonvalidating/load-external-dtd";
const SECURE_PROCESSING: &str = "http://javax.xml.XMLConstants/feature/secure-processing";
const ACCESS_EXTERNAL_DTD: &str = "http://javax.xml.XMLConstants/property/accessExternalDTD";
const SUPPORT_DTD: &str = "javax.xml.stream.supportDTD";
const EXTERNAL_ENTITIES: &str = "javax.xml.stream.isSupportingExternalEntities";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dom,
    Sax,
    XmlReader,
    Stax,
    Transformer,
    Schema,
    Dom4j,
    Jdom,
}

impl Kind {
    /// Whether SAX/Xerces features configure this parser.
    fn takes_features(self) -> bool {
        matches!(
            self,
            Kind::Dom | Kind::Sax | Kind::XmlReader | Kind::Dom4j | Kind::Jdom
        )
    }

    /// Whether an explicit `FEATURE_SECURE_PROCESSING` protects it (the
    /// JDK's JAXP factories then deny external DTD access).
    fn secure_processing_protects(self) -> bool {
        matches!(
            self,
            Kind::Dom | Kind::Sax | Kind::Transformer | Kind::Schema
        )
    }
}

/// Calls and constructors creating a parser or factory.
const ROOTS: &[(&str, Kind, &str)] = &[
    (
        "javax.xml.parsers.DocumentBuilderFactory.newInstance",
        Kind::Dom,
        "DocumentBuilderFactory",
    ),
    (
        "javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance",
        Kind::Dom,
        "DocumentBuilderFactory",
    ),
    (
        "javax.xml.parsers.DocumentBuilderFactory.newNSInstance",
        Kind::Dom,
        "DocumentBuilderFactory",
    ),
    (
        "javax.xml.parsers.DocumentBuilderFactory.newDefaultNSInstance",
        Kind::Dom,
        "DocumentBuilderFactory",
    ),
    (
        "javax.xml.parsers.SAXParserFactory.newInstance",
        Kind::Sax,
        "SAXParserFactory",
    ),
    (
        "javax.xml.parsers.SAXParserFactory.newDefaultInstance",
        Kind::Sax,
        "SAXParserFactory",
    ),
    (
        "javax.xml.parsers.SAXParserFactory.newNSInstance",
        Kind::Sax,
        "SAXParserFactory",
    ),
    (
        "javax.xml.parsers.SAXParserFactory.newDefaultNSInstance",
        Kind::Sax,
        "SAXParserFactory",
    ),
    (
        "javax.xml.stream.XMLInputFactory.newInstance",
        Kind::Stax,
        "XMLInputFactory",
    ),
    (
        "javax.xml.stream.XMLInputFactory.newFactory",
        Kind::Stax,
        "XMLInputFactory",
    ),
    (
        "javax.xml.stream.XMLInputFactory.newDefaultFactory",
        Kind::Stax,
        "XMLInputFactory",
    ),
    (
        "javax.xml.transform.TransformerFactory.newInstance",
        Kind::Transformer,
        "TransformerFactory",
    ),
    (
        "javax.xml.transform.TransformerFactory.newDefaultInstance",
        Kind::Transformer,
        "TransformerFactory",
    ),
    (
        "javax.xml.transform.sax.SAXTransformerFactory.newInstance",
        Kind::Transformer,
        "TransformerFactory",
    ),
    (
        "javax.xml.validation.SchemaFactory.newInstance",
        Kind::Schema,
        "SchemaFactory",
    ),
    (
        "javax.xml.validation.SchemaFactory.newDefaultInstance",
        Kind::Schema,
        "SchemaFactory",
    ),
    (
        "org.xml.sax.helpers.XMLReaderFactory.createXMLReader",
        Kind::XmlReader,
        "XMLReader",
    ),
    ("org.dom4j.io.SAXReader", Kind::Dom4j, "dom4j SAXReader"),
    ("org.jdom2.input.SAXBuilder", Kind::Jdom, "JDOM SAXBuilder"),
    ("org.jdom.input.SAXBuilder", Kind::Jdom, "JDOM SAXBuilder"),
];

/// Methods returning an object that parses with the settings of the
/// object they are called on.
const DERIVED: &[&str] = &[
    "newDocumentBuilder",
    "newSAXParser",
    "getXMLReader",
    "getParser",
    "newTransformer",
    "newTemplates",
    "newTransformerHandler",
    "newXMLFilter",
    "newSchema",
    "newValidator",
    "newValidatorHandler",
    "getXMLReader",
];

/// Method names of another file trusted to harden a factory passed to them.
const HARDENING: &[&str] = &[
    "configure",
    "secure",
    "harden",
    "protect",
    "disable",
    "prevent",
    "safe",
    "setup",
    "xxe",
];

/// What following a parser through its scope found.
#[derive(Default)]
struct Trace<'t> {
    protected: bool,
    general_off: bool,
    parameter_off: bool,
    dtd_off: bool,
    /// The first parse of a document that is not the application's own.
    parse: Option<Node<'t>>,
    /// Handed to code of another file.
    escaped: bool,
    /// Returned from a method named like a parser provider.
    provided: bool,
}

impl Trace<'_> {
    fn is_protected(&self) -> bool {
        self.protected || (self.general_off && self.parameter_off && self.dtd_off)
    }
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    let Some(&(_, kind, display)) = ROOTS
        .iter()
        .find(|(root, ..)| names.iter().any(|n| n == root))
    else {
        return;
    };
    // `new SAXReader()` subclasses and anonymous bodies configure themselves.
    if call.kind() == "object_creation_expression"
        && call
            .named_children(&mut call.walk())
            .any(|c| c.kind() == "class_body")
    {
        return;
    }
    let resolving_classes = resolving_classes(call, text);
    let mut trace = Trace::default();
    let mut tracer = Tracer {
        kind,
        text,
        root: call,
        seen: Vec::new(),
        resolving_classes,
    };
    tracer.follow(call, &mut trace);
    if trace.is_protected() || trace.escaped {
        return;
    }
    let message = match trace.parse {
        Some(parse) => {
            let what = if trace.general_off && trace.parameter_off {
                "turns off external entities but still loads external DTDs"
            } else {
                "does not disable DTDs and external entities"
            };
            format!(
                "{display} {what} before `{}` parses XML",
                shorten(node_text(parse, text))
            )
        }
        None if trace.provided => format!(
            "{display} is handed out without disabling DTDs and external entities; its callers parse XML with it"
        ),
        None => return,
    };
    let mut violation = Violation::new(RULE, message);
    if let Some(fix) = insertion_fix(call, kind, checker) {
        violation = violation.with_fix(fix);
    }
    checker.report(call, violation);
}

fn shorten(code: &str) -> String {
    let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        let cut: String = flat.chars().take(77).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

/// The classes of the file that declare `resolveEntity` (handlers or
/// resolvers taking over entity resolution).
fn resolving_classes<'t>(node: Node<'t>, text: &'t str) -> Vec<&'t str> {
    if !text.contains("resolveEntity") {
        return Vec::new();
    }
    let mut top = node;
    while let Some(p) = top.parent() {
        top = p;
    }
    descendants(top)
        .into_iter()
        .filter(|n| {
            n.kind() == "method_declaration"
                && n.child_by_field_name("name")
                    .is_some_and(|name| node_text(name, text) == "resolveEntity")
        })
        .filter_map(|m| enclosing_class(m)?.child_by_field_name("name"))
        .map(|n| node_text(n, text))
        .collect()
}

struct Tracer<'t> {
    kind: Kind,
    text: &'t str,
    root: Node<'t>,
    /// Names already followed, with the node of their scope.
    seen: Vec<(String, usize)>,
    /// Classes of the file declaring `resolveEntity`.
    resolving_classes: Vec<&'t str>,
}

impl<'t> Tracer<'t> {
    /// Follows the value of `expr` (the parser or an object made from it).
    fn follow(&mut self, expr: Node<'t>, trace: &mut Trace<'t>) {
        let expr = climb(expr);
        let Some(parent) = expr.parent() else {
            return;
        };
        let text = self.text;
        match parent.kind() {
            "method_invocation" if parent.child_by_field_name("object") == Some(expr) => {
                let Some(name) = parent.child_by_field_name("name") else {
                    return;
                };
                let name = node_text(name, text);
                let args = call_args(parent);
                self.setting(name, &args, trace);
                if let Some(input) = self.parsed_input(name, &args) {
                    if self.kind == Kind::Sax
                        && args.get(1).is_some_and(|h| self.resolving_handler(*h))
                    {
                        trace.protected = true;
                    }
                    if !own_document(input, text) && !in_main(parent, text) && trace.parse.is_none()
                    {
                        trace.parse = Some(parent);
                    }
                }
                if DERIVED.contains(&name) {
                    self.follow(parent, trace);
                }
            }
            "argument_list" => {
                let Some(call) = parent.parent() else {
                    return;
                };
                self.passed_to(call, trace);
            }
            "variable_declarator" if parent.child_by_field_name("value") == Some(expr) => {
                let Some(name) = parent.child_by_field_name("name") else {
                    return;
                };
                let field = parent
                    .parent()
                    .is_some_and(|d| d.kind() == "field_declaration");
                self.follow_name(node_text(name, text), field, parent, trace);
            }
            "assignment_expression" if parent.child_by_field_name("right") == Some(expr) => {
                let Some(left) = parent.child_by_field_name("left") else {
                    return;
                };
                let (name, this) = match left.kind() {
                    "identifier" => (node_text(left, text), false),
                    "field_access"
                        if left
                            .child_by_field_name("object")
                            .is_some_and(|o| o.kind() == "this") =>
                    {
                        match left.child_by_field_name("field") {
                            Some(f) => (node_text(f, text), true),
                            None => return,
                        }
                    }
                    _ => {
                        // Stored into another object: used elsewhere.
                        trace.escaped = true;
                        return;
                    }
                };
                let field = this || local_declaration(left, name, text).is_none();
                self.follow_name(name, field, parent, trace);
            }
            "return_statement" => self.returned(parent, trace),
            "lambda_expression" if parent.child_by_field_name("body") == Some(expr) => {
                // `ThreadLocal.withInitial(() -> factory)`: used elsewhere.
                trace.escaped = true;
            }
            "ternary_expression" => self.follow(parent, trace),
            _ => {}
        }
    }

    /// Follows every use of a variable or field holding the parser.
    fn follow_name(&mut self, name: &str, field: bool, at: Node<'t>, trace: &mut Trace<'t>) {
        let scope = if field {
            enclosing_class(at).and_then(|c| c.child_by_field_name("body"))
        } else {
            enclosing_method(at)
        };
        let Some(scope) = scope else {
            return;
        };
        let key = (name.to_string(), scope.id());
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        let text = self.text;
        for node in descendants(scope) {
            if node.kind() != "identifier" || node_text(node, text) != name {
                continue;
            }
            let Some(parent) = node.parent() else {
                continue;
            };
            let use_ = match parent.kind() {
                "variable_declarator" | "formal_parameter" | "method_declaration"
                    if parent.child_by_field_name("name") == Some(node) =>
                {
                    continue;
                }
                "method_invocation" if parent.child_by_field_name("name") == Some(node) => {
                    continue;
                }
                "field_access" if parent.child_by_field_name("field") == Some(node) => {
                    if parent
                        .child_by_field_name("object")
                        .is_some_and(|o| o.kind() == "this")
                    {
                        parent
                    } else {
                        continue;
                    }
                }
                _ => node,
            };
            // A local of the same name in another method of the class.
            if field && use_.kind() == "identifier" && local_declaration(use_, name, text).is_some()
            {
                continue;
            }
            // An assignment of something else to the name.
            if let Some(p) = climb(use_).parent()
                && p.kind() == "assignment_expression"
                && p.child_by_field_name("left") == Some(climb(use_))
            {
                continue;
            }
            self.follow(use_, trace);
        }
    }

    /// A protecting setting made by `name(args)` on the parser.
    fn setting(&self, name: &str, args: &[Node<'t>], trace: &mut Trace<'t>) {
        let text = self.text;
        match name {
            "setEntityResolver" | "setXMLResolver" | "setResourceResolver"
                if args
                    .first()
                    .is_some_and(|a| unwrap(*a).kind() != "null_literal") =>
            {
                trace.protected = true;
            }
            // `setFeature(factory, key, value)`: a helper of the file.
            "setFeature" | "setProperty" | "setAttribute" if args.len() == 3 => {
                self.setting(name, &args[1..], trace);
            }
            "setFeature" | "setProperty" | "setAttribute" if args.len() == 2 => {
                let Some(key) = setting_key(args[0], text) else {
                    return;
                };
                let flag = bool_value(args[1], text);
                let string = constant_string(unwrap(args[1]), text);
                // A value the code computes (`!isSupportDtd()`) is a
                // deliberate, configurable choice: counted as protecting.
                let off = flag != Some(true);
                let on = flag != Some(false);
                match key.as_str() {
                    DISALLOW_DOCTYPE if on && self.kind.takes_features() => trace.protected = true,
                    GENERAL_ENTITIES if off => trace.general_off = true,
                    PARAMETER_ENTITIES if off => trace.parameter_off = true,
                    LOAD_EXTERNAL_DTD if off => trace.dtd_off = true,
                    SECURE_PROCESSING if on && self.kind.secure_processing_protects() => {
                        trace.protected = true
                    }
                    ACCESS_EXTERNAL_DTD if string.as_deref().is_none_or(str::is_empty) => {
                        trace.protected = true
                    }
                    SUPPORT_DTD | EXTERNAL_ENTITIES if off && self.kind == Kind::Stax => {
                        trace.protected = true
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// The document a call on the parser (or an object made from it)
    /// parses, if it parses one.
    fn parsed_input(&self, name: &str, args: &[Node<'t>]) -> Option<Node<'t>> {
        let text = self.text;
        match (self.kind, name) {
            (Kind::Dom | Kind::Sax | Kind::XmlReader, "parse") => args.first().copied(),
            (Kind::Dom4j, "read") => args.first().copied(),
            (Kind::Jdom, "build") => args.first().copied(),
            (Kind::Stax, "createXMLStreamReader" | "createXMLEventReader") => match args.len() {
                0 => None,
                1 => Some(args[0]),
                _ if string_literal(args[1], text).is_some() => Some(args[0]),
                _ => Some(args[1]),
            },
            (Kind::Transformer, "transform") => {
                args.first().copied().filter(|a| parses_source(*a, text))
            }
            (Kind::Transformer, "newTransformer" | "newTemplates") => {
                args.first().copied().filter(|a| parses_source(*a, text))
            }
            (Kind::Schema, "newSchema") => args.first().copied(),
            (Kind::Schema, "validate") => args.first().copied().filter(|a| parses_source(*a, text)),
            _ => None,
        }
    }

    /// The parser passed as an argument to `call`.
    fn passed_to(&mut self, call: Node<'t>, trace: &mut Trace<'t>) {
        let text = self.text;
        if call.kind() == "object_creation_expression" {
            let ty = call
                .child_by_field_name("type")
                .map(|t| node_text(t, text))
                .unwrap_or_default();
            // `new SAXSource(reader, input)` parses `input` with the reader.
            if ty.ends_with("SAXSource") {
                let args = call_args(call);
                if let Some(input) = args.get(1)
                    && !own_document(*input, text)
                    && !in_main(call, text)
                    && trace.parse.is_none()
                {
                    trace.parse = Some(call);
                }
                return;
            }
            trace.escaped = true;
            return;
        }
        if call.kind() != "method_invocation" {
            return;
        }
        let Some(name) = call.child_by_field_name("name") else {
            return;
        };
        let name = node_text(name, text);
        // `this.reader.parse(new InputSource(...))` handled above; here the
        // parser itself is the argument.
        let local = call.child_by_field_name("object").is_none()
            || call
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this");
        if local && let Some(method) = self.declared_method(name) {
            let mut helper = Trace::default();
            if let Some(body) = method.child_by_field_name("body") {
                for node in descendants(body) {
                    if node.kind() == "method_invocation"
                        && let Some(n) = node.child_by_field_name("name")
                    {
                        self.setting(node_text(n, text), &call_args(node), &mut helper);
                    }
                }
            }
            if helper.is_protected() {
                trace.protected = true;
            }
            return;
        }
        let lower = name.to_ascii_lowercase();
        if HARDENING.iter().any(|h| lower.contains(h)) {
            trace.protected = true;
            return;
        }
        if matches!(
            name,
            "requireNonNull" | "debug" | "info" | "trace" | "warn" | "println" | "isInstance"
        ) {
            return;
        }
        trace.escaped = true;
    }

    /// Whether a SAX handler is an object of a class of the file that
    /// overrides `resolveEntity`.
    fn resolving_handler(&self, handler: Node<'t>) -> bool {
        let text = self.text;
        let handler = unwrap(handler);
        let class = match handler.kind() {
            "this" => enclosing_class(handler)
                .and_then(|c| c.child_by_field_name("name"))
                .map(|n| node_text(n, text)),
            "object_creation_expression" => handler
                .child_by_field_name("type")
                .map(|t| simple_type_name(t, text)),
            "identifier" => {
                let name = node_text(handler, text);
                local_declaration(handler, name, text)
                    .or_else(|| field_declaration(handler, name, text))
                    .and_then(|(ty, _)| ty)
                    .map(|t| simple_type_name(t, text))
            }
            _ => None,
        };
        class.is_some_and(|c| self.resolving_classes.contains(&c))
    }

    /// A method of the file with this name.
    fn declared_method(&self, name: &str) -> Option<Node<'t>> {
        let mut top = self.root;
        while let Some(p) = top.parent() {
            top = p;
        }
        descendants(top).into_iter().find(|n| {
            n.kind() == "method_declaration"
                && n.child_by_field_name("name")
                    .is_some_and(|m| node_text(m, self.text) == name)
        })
    }

    /// The parser returned from its method: followed from the calls of
    /// that method in the file; a method other code can call and whose name
    /// says it provides a parser hands it out to callers that parse.
    fn returned(&mut self, statement: Node<'t>, trace: &mut Trace<'t>) {
        let Some(method) = enclosing_method(statement) else {
            return;
        };
        if method.kind() != "method_declaration" {
            trace.escaped = true;
            return;
        }
        let text = self.text;
        let Some(name) = method
            .child_by_field_name("name")
            .map(|n| node_text(n, text))
        else {
            return;
        };
        let key = (format!("{name}()"), method.id());
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        let mut top = method;
        while let Some(p) = top.parent() {
            top = p;
        }
        for call in descendants(top) {
            if call.kind() == "method_invocation"
                && call
                    .child_by_field_name("name")
                    .is_some_and(|n| node_text(n, text) == name)
                && call
                    .child_by_field_name("object")
                    .is_none_or(|o| o.kind() == "this")
            {
                self.follow(call, trace);
            }
        }
        let private = method
            .named_child(0)
            .filter(|m| m.kind() == "modifiers")
            .is_some_and(|m| {
                node_text(m, text)
                    .split_whitespace()
                    .any(|w| w == "private")
            });
        if private {
            return;
        }
        let name = name.to_ascii_lowercase();
        let provider = match self.kind {
            Kind::Transformer | Kind::Schema => false,
            Kind::Dom => name.contains("parser") || name.contains("documentbuilderfactory"),
            _ => {
                name.contains("parser")
                    || name.contains("reader")
                    || name.contains("inputfactory")
                    || name.contains("saxbuilder")
            }
        };
        if provider {
            trace.provided = true;
        }
    }
}

/// Whether a node is in a program's `static void main(String[] args)`:
/// the documents it reads are chosen by whoever runs the program.
fn in_main(node: Node<'_>, text: &str) -> bool {
    enclosing_method(node).is_some_and(|m| {
        m.kind() == "method_declaration"
            && m.child_by_field_name("name")
                .is_some_and(|n| node_text(n, text) == "main")
            && m.named_child(0)
                .filter(|x| x.kind() == "modifiers")
                .is_some_and(|x| node_text(x, text).split_whitespace().any(|w| w == "static"))
    })
}

/// Whether a `Source` argument is parsed (a `StreamSource`/`SAXSource`),
/// as opposed to an in-memory tree (`DOMSource`, `StAXSource`,
/// `JAXBSource`) or a source made by the caller.
fn parses_source(arg: Node<'_>, text: &str) -> bool {
    let arg = unwrap(arg);
    let ty = match arg.kind() {
        "object_creation_expression" => arg.child_by_field_name("type"),
        "identifier" => {
            let name = node_text(arg, text);
            match local_declaration(arg, name, text) {
                Some((_, Some(value))) => return parses_source(value, text),
                Some((ty, None)) => ty,
                None => field_declaration(arg, name, text).and_then(|(ty, _)| ty),
            }
        }
        _ => None,
    };
    ty.is_some_and(|t| {
        let t = node_text(t, text);
        t.ends_with("StreamSource") || t.ends_with("SAXSource") || t == "InputSource"
    })
}

/// Inserts the protecting setting after the statement declaring or
/// assigning the parser.
fn insertion_fix(call: Node<'_>, kind: Kind, checker: &Checker<'_>) -> Option<Fix> {
    let text = checker.text;
    let top = climb(call);
    let parent = top.parent()?;
    let (name, statement) = match parent.kind() {
        "variable_declarator" if parent.child_by_field_name("value") == Some(top) => {
            let declaration = parent.parent()?;
            if declaration.kind() != "local_variable_declaration" {
                return None;
            }
            (
                node_text(parent.child_by_field_name("name")?, text),
                declaration,
            )
        }
        "assignment_expression" if parent.child_by_field_name("right") == Some(top) => {
            let statement = parent.parent()?;
            if statement.kind() != "expression_statement" {
                return None;
            }
            (
                node_text(parent.child_by_field_name("left")?, text),
                statement,
            )
        }
        _ => return None,
    };
    if !matches!(
        statement.parent()?.kind(),
        "block" | "constructor_body" | "switch_block_statement_group"
    ) {
        return None;
    }
    let line_start = text[..statement.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[line_start..statement.start_byte()];
    if !indent.chars().all(char::is_whitespace) {
        return None;
    }
    let constants = if checker.semantic.binding("XMLConstants") == Some("javax.xml.XMLConstants") {
        "XMLConstants"
    } else {
        "javax.xml.XMLConstants"
    };
    let (lines, description): (Vec<String>, &str) = match kind {
        Kind::Dom => (
            vec![format!("{name}.setFeature(\"{DISALLOW_DOCTYPE}\", true);")],
            "Disallow DOCTYPE declarations (setFeature throws the checked ParserConfigurationException)",
        ),
        Kind::Sax => (
            vec![format!("{name}.setFeature(\"{DISALLOW_DOCTYPE}\", true);")],
            "Disallow DOCTYPE declarations (setFeature throws ParserConfigurationException and SAXException)",
        ),
        Kind::XmlReader | Kind::Dom4j => (
            vec![format!("{name}.setFeature(\"{DISALLOW_DOCTYPE}\", true);")],
            "Disallow DOCTYPE declarations (setFeature throws the checked SAXException)",
        ),
        Kind::Jdom => (
            vec![format!("{name}.setFeature(\"{DISALLOW_DOCTYPE}\", true);")],
            "Disallow DOCTYPE declarations",
        ),
        Kind::Stax => {
            let factory = call
                .child_by_field_name("object")
                .map(|o| node_text(o, text))
                .unwrap_or("javax.xml.stream.XMLInputFactory");
            (
                vec![format!("{name}.setProperty({factory}.SUPPORT_DTD, false);")],
                "Turn off DTD support",
            )
        }
        Kind::Transformer => (
            vec![
                format!("{name}.setAttribute({constants}.ACCESS_EXTERNAL_DTD, \"\");"),
                format!("{name}.setAttribute({constants}.ACCESS_EXTERNAL_STYLESHEET, \"\");"),
            ],
            "Deny access to external DTDs and stylesheets",
        ),
        Kind::Schema => (
            vec![
                format!("{name}.setProperty({constants}.ACCESS_EXTERNAL_DTD, \"\");"),
                format!("{name}.setProperty({constants}.ACCESS_EXTERNAL_SCHEMA, \"\");"),
            ],
            "Deny access to external DTDs and schemas (setProperty throws the checked SAXException)",
        ),
    };
    let mut inserted = String::new();
    for line in lines {
        inserted.push('\n');
        inserted.push_str(indent);
        inserted.push_str(&line);
    }
    let end = statement.end_byte();
    Some(Fix::new(
        description,
        vec![Edit::replace(end..end, inserted)],
    ))
}
