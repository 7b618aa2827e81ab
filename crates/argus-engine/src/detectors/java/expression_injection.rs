use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into expression languages that can call
    /// methods: Spring Expression Language (`ExpressionParser
    /// .parseExpression`), OGNL (`Ognl.getValue`, `Ognl.parseExpression`,
    /// Struts' `OgnlUtil`) and the Jakarta Expression Language
    /// (`ExpressionFactory.createValueExpression`,
    /// `createMethodExpression`, `ELProcessor.eval`).
    ///
    /// ## Why is this bad?
    /// These languages reach any class on the classpath
    /// (`T(java.lang.Runtime).getRuntime().exec(...)` in SpEL): an
    /// expression built from input runs the attacker's code. Several
    /// critical framework vulnerabilities (Struts, Spring Cloud Function)
    /// were this bug.
    ///
    /// ## Example
    /// ```java
    /// ExpressionParser parser = new SpelExpressionParser();
    /// Object value = parser.parseExpression(request.getParameter("expr")).getValue();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// // Evaluate a fixed expression and pass the input as a variable
    /// // of a SimpleEvaluationContext, which cannot reach types.
    /// EvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding().build();
    /// context.setVariable("name", request.getParameter("name"));
    /// Object value = parser.parseExpression("#name").getValue(context);
    /// ```
    ///
    /// ## References
    /// - [CWE-917: Expression Language Injection](https://cwe.mitre.org/data/definitions/917.html)
    /// - [Spring: SimpleEvaluationContext](https://docs.spring.io/spring-framework/reference/core/expressions/evaluation.html#expressions-evaluation-context)
    pub static SPEC = {
        ids: &["java/expression-language-injection@v1.0"],
        languages: &[Language::Java],
        name: "Expression language injection",
        category: Category::Security,
        cwes: &[917, 94],
        tags: &["injection", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Evaluate only fixed expressions; pass input as variables of a restricted context (SimpleEvaluationContext), never as expression text.",
        keywords: &["parseExpression", "Ognl", "createValueExpression", "createMethodExpression", "ELProcessor"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const EXPRESSION: &str = "an expression evaluated by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "org.springframework.expression.ExpressionParser.parseExpression",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "ExpressionParser.parseExpression",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "org.springframework.expression.spel.standard.SpelExpressionParser.parseExpression",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "org.springframework.expression.spel.standard.SpelExpressionParser.parseRaw",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "ognl.Ognl.getValue",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "ognl.Ognl.setValue",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "ognl.Ognl.parseExpression",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "com.opensymphony.xwork2.ognl.OgnlUtil.getValue",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "com.opensymphony.xwork2.ognl.OgnlUtil.setValue",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "javax.el.ExpressionFactory.createValueExpression",
            &[Arg::At(1, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "javax.el.ExpressionFactory.createMethodExpression",
            &[Arg::At(1, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "ExpressionFactory.createValueExpression",
            &[Arg::At(1, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "javax.el.ELProcessor.eval",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
        Sink::new(
            "javax.el.ELProcessor.getValue",
            &[Arg::At(0, "expression")],
            "expression-language-injection",
            EXPRESSION,
        ),
    ],
    ..TaintSpec::DEFAULT
};
