use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input (the body stream, parameters, headers,
    /// cookies, uploaded files) into deserializers that build arbitrary
    /// classes: `new ObjectInputStream(...)`, `XMLDecoder`, XStream's
    /// `fromXML`, Commons Lang and Spring `SerializationUtils
    /// .deserialize`, SnakeYAML's `Yaml.load` without a `SafeConstructor`,
    /// Hessian and Burlap inputs.
    ///
    /// ## Why is this bad?
    /// Deserializing a class graph chosen by the sender runs code in
    /// constructors, `readObject` methods and proxies: with the gadget
    /// chains of common libraries (Commons Collections, Spring, Groovy)
    /// this is remote code execution.
    ///
    /// ## Example
    /// ```java
    /// ObjectInputStream in = new ObjectInputStream(request.getInputStream());
    /// Order order = (Order) in.readObject();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Order order = new ObjectMapper().readValue(request.getInputStream(), Order.class);
    /// ```
    /// If Java serialization cannot be avoided, install an
    /// `ObjectInputFilter` that allows only the expected classes.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
    /// - [JEP 290: Filter Incoming Serialization Data](https://openjdk.org/jeps/290)
    pub static SPEC = {
        ids: &["java/untrusted-deserialization@v1.0"],
        languages: &[Language::Java],
        name: "Untrusted deserialization",
        category: Category::Security,
        cwes: &[502],
        tags: &["deserialization", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Parse data formats into fixed types (JSON into a class) instead of deserializing class graphs; otherwise install an ObjectInputFilter allow-list.",
        keywords: &["ObjectInputStream", "XMLDecoder", "fromXML", "deserialize", "Yaml", "HessianInput", "BurlapInput"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const DESERIALIZE: &str = "objects deserialized by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "java.io.ObjectInputStream",
            &[Arg::At(0, "stream")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(no_filter),
        Sink::new(
            "java.beans.XMLDecoder",
            &[Arg::At(0, "stream")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "com.thoughtworks.xstream.XStream.fromXML",
            &[Arg::At(0, "xml")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(no_xstream_allow_list),
        Sink::new(
            "XStream.fromXML",
            &[Arg::At(0, "xml")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(no_xstream_allow_list),
        Sink::new(
            "org.apache.commons.lang3.SerializationUtils.deserialize",
            &[Arg::At(0, "data")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "org.apache.commons.lang.SerializationUtils.deserialize",
            &[Arg::At(0, "data")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "org.springframework.util.SerializationUtils.deserialize",
            &[Arg::At(0, "data")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "org.yaml.snakeyaml.Yaml.load",
            &[Arg::At(0, "yaml")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(unsafe_yaml),
        Sink::new(
            "org.yaml.snakeyaml.Yaml.loadAll",
            &[Arg::At(0, "yaml")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(unsafe_yaml),
        Sink::new(
            "Yaml.load",
            &[Arg::At(0, "yaml")],
            "untrusted-deserialization",
            DESERIALIZE,
        )
        .when(unsafe_yaml),
        Sink::new(
            "com.caucho.hessian.io.HessianInput",
            &[Arg::At(0, "stream")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "com.caucho.hessian.io.Hessian2Input",
            &[Arg::At(0, "stream")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
        Sink::new(
            "com.caucho.burlap.io.BurlapInput",
            &[Arg::At(0, "stream")],
            "untrusted-deserialization",
            DESERIALIZE,
        ),
    ],
    ..TaintSpec::DEFAULT
};

/// No `ObjectInputFilter` is installed in the method (`setObjectInputFilter`),
/// and the stream is not a subclass that checks classes (`resolveClass`).
fn no_filter(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    let scope = super::enclosing_method(call)
        .map(|m| node_text(m, text))
        .unwrap_or("");
    !scope.contains("setObjectInputFilter")
        && !scope.contains("ValidatingObjectInputStream")
        && !node_text(call, text).contains("resolveClass")
}

/// XStream 1.4.18+ denies unknown types by default only when told which
/// to allow; an explicit allow-list in the file makes it safe.
fn no_xstream_allow_list(_: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    ![
        "allowTypes",
        "addPermission",
        "allowTypesByWildcard",
        "allowTypeHierarchy",
        "setupDefaultSecurity",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// SnakeYAML builds arbitrary classes unless the `Yaml` was given a
/// `SafeConstructor`.
fn unsafe_yaml(_: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    !text.contains("SafeConstructor")
}
