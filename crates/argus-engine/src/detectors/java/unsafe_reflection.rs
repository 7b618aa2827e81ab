use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into the class or method a program loads by
    /// name: `Class.forName`, `ClassLoader.loadClass`, Spring
    /// `ClassUtils.forName`, and `Class.getMethod`/`getDeclaredMethod` on
    /// a variable declared as a `Class`. Names checked against an
    /// allow-list are safe.
    ///
    /// ## Why is this bad?
    /// The attacker picks which class is loaded and initialised, and which
    /// method runs: static initialisers and constructors of any class on
    /// the classpath become reachable, which can bypass authorization or
    /// run code.
    ///
    /// ## Example
    /// ```java
    /// Class<?> handler = Class.forName(request.getParameter("handler"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Class<?> handler = HANDLERS.get(request.getParameter("handler"));
    /// if (handler == null) throw new IllegalArgumentException("handler");
    /// ```
    ///
    /// ## References
    /// - [CWE-470: Unsafe Reflection](https://cwe.mitre.org/data/definitions/470.html)
    pub static SPEC = {
        ids: &["java/unsafe-reflection@v1.0"],
        languages: &[Language::Java],
        name: "Unsafe reflection",
        category: Category::Security,
        cwes: &[470],
        tags: &["injection", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Map input to classes or methods through a fixed table instead of loading them by name.",
        keywords: &["forName", "loadClass", "getMethod", "getDeclaredMethod"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const LOAD: &str = "a class loaded by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "java.lang.Class.forName",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            LOAD,
        ),
        Sink::new(
            "java.lang.ClassLoader.loadClass",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            LOAD,
        ),
        Sink::new(
            ".loadClass",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            LOAD,
        ),
        Sink::new(
            "org.springframework.util.ClassUtils.forName",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            LOAD,
        ),
        Sink::new(
            "java.lang.Class.getMethod",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            "a method looked up by {callee}",
        ),
        Sink::new(
            "java.lang.Class.getDeclaredMethod",
            &[Arg::At(0, "name")],
            "unsafe-reflection",
            "a method looked up by {callee}",
        ),
    ],
    ..TaintSpec::DEFAULT
};
