use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into code that the application runs: a
    /// `javax.script` engine's `eval` (JavaScript, Groovy, Python), Groovy's
    /// `GroovyShell.evaluate`/`parse`, BeanShell's `Interpreter.eval`,
    /// JShell's `eval`, MVEL and Apache JEXL expressions.
    ///
    /// ## Why is this bad?
    /// Input that is evaluated as code runs with the application's
    /// rights: an attacker reads data, starts processes and takes over the
    /// server.
    ///
    /// ## Example
    /// ```java
    /// ScriptEngine engine = new ScriptEngineManager().getEngineByName("groovy");
    /// Object result = engine.eval(request.getParameter("formula"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// // Parse the formula with a grammar of your own (numbers and
    /// // operators), or choose among fixed scripts by name.
    /// Object result = Formulas.evaluate(request.getParameter("formula"));
    /// ```
    ///
    /// ## References
    /// - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    pub static SPEC = {
        ids: &["java/code-injection@v1.0"],
        languages: &[Language::Java],
        name: "Code injection",
        category: Category::Security,
        cwes: &[94, 95],
        tags: &["injection", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Never evaluate input as code; parse it with a restricted grammar, or choose among fixed scripts with an allow-list.",
        keywords: &["eval", "GroovyShell", "MVEL", "Jexl", "JShell", "Interpreter"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const CODE: &str = "code run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.script.ScriptEngine.eval",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "ScriptEngine.eval",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "javax.script.Compilable.compile",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "groovy.lang.GroovyShell.evaluate",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "groovy.lang.GroovyShell.parse",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "groovy.lang.GroovyShell.run",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "groovy.lang.GroovyClassLoader.parseClass",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new("groovy.util.Eval.me", &[Arg::Any], "code-injection", CODE),
        Sink::new(
            "bsh.Interpreter.eval",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "jdk.jshell.JShell.eval",
            &[Arg::At(0, "snippet")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.mvel2.MVEL.eval",
            &[Arg::At(0, "expression")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.mvel2.MVEL.compileExpression",
            &[Arg::At(0, "expression")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.mvel2.MVEL.executeExpression",
            &[Arg::At(0, "expression")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.apache.commons.jexl3.JexlEngine.createExpression",
            &[Arg::At(0, "expression")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.apache.commons.jexl3.JexlEngine.createScript",
            &[Arg::At(0, "script")],
            "code-injection",
            CODE,
        ),
        Sink::new(
            "org.apache.commons.jexl2.JexlEngine.createExpression",
            &[Arg::At(0, "expression")],
            "code-injection",
            CODE,
        ),
    ],
    ..TaintSpec::DEFAULT
};
