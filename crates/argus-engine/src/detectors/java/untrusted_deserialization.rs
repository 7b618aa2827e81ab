use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input (the body stream, parameters, headers,
    /// cookies, uploaded files) into deserializers that build arbitrary
    /// classes: `new ObjectInputStream(...)` (without an
    /// `ObjectInputFilter`), `XMLDecoder`, Commons Lang and Spring
    /// `SerializationUtils.deserialize`, Hessian and Burlap inputs.
    ///
    /// Also reports deserializers configured to build any class whatever
    /// the input: Jackson default typing (`enableDefaultTyping`,
    /// `activateDefaultTyping` with a permissive validator),
    /// `@JsonTypeInfo(use = Id.CLASS)` on properties of type `Object`,
    /// XStream without an allow-list and SnakeYAML without a
    /// `SafeConstructor`, when they read documents that are not the
    /// application's own resources.
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
        keywords: &["ObjectInputStream", "XMLDecoder", "fromXML", "deserialize", "Yaml", "HessianInput", "BurlapInput", "DefaultTyping", "JsonTypeInfo", "XStream"],
        check: Check::Taint {
            spec: &TAINT,
            kinds: &["method_invocation", "object_creation_expression", "annotation"],
            run: Some(super::deserialization_config::check),
        },
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
