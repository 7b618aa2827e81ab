use super::super::prelude::*;
use super::boto3::assigned_value;

detector! {
    /// ## What it does
    /// Finds PyTorch cross-entropy losses computed on the output of a
    /// softmax: `nn.CrossEntropyLoss()(F.softmax(x, dim=1), y)`,
    /// `F.cross_entropy(torch.softmax(x, 1), y)`, or a `criterion` made by
    /// `nn.CrossEntropyLoss()` called on a variable assigned from a softmax.
    ///
    /// ## Why is this bad?
    /// `CrossEntropyLoss` expects unnormalized logits and applies
    /// `log_softmax` itself. Feeding it probabilities applies softmax twice:
    /// the loss is squashed into a narrow range, gradients shrink and the
    /// model trains slowly or not at all, without any error.
    ///
    /// ## Example
    /// ```python
    /// loss = F.cross_entropy(F.softmax(logits, dim=1), target)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// loss = F.cross_entropy(logits, target)
    /// ```
    ///
    /// ## References
    /// - [PyTorch: CrossEntropyLoss](https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html)
    /// - [CWE-1176: Inefficient CPU Computation](https://cwe.mitre.org/data/definitions/1176.html)
    pub static SPEC = {
        ids: &["python/pytorch-redundant-softmax@v1.0"],
        languages: &[Language::Python],
        name: "Softmax before PyTorch cross-entropy",
        category: Category::Quality,
        cwes: &[1176],
        tags: &["pytorch", "machine-learning", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Pass the raw logits to CrossEntropyLoss / F.cross_entropy; it applies log_softmax itself.",
        keywords: &["softmax"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some((loss, producer)) = loss_of_activation(
        call,
        checker,
        &[
            "torch.nn.CrossEntropyLoss",
            "torch.nn.modules.loss.CrossEntropyLoss",
        ],
        &["torch.nn.functional.cross_entropy"],
        &SOFTMAX_ACTIVATION,
    ) else {
        return;
    };
    let mut violation = Violation::new(
        "softmax-into-cross-entropy",
        format!(
            "{} applies log_softmax to its input, which already went through {}: softmax is applied twice",
            loss.name, producer.name
        ),
    );
    if producer.inline
        && let Some(x) = producer.input
    {
        violation = violation.with_fix(Fix::replace(
            "Pass the logits without softmax",
            producer.call.byte_range(),
            checker.text_of(x),
        ));
    }
    checker.report(call, violation);
}

/// The softmax functions of PyTorch.
pub const SOFTMAX: &[&str] = &[
    "torch.softmax",
    "torch.nn.functional.softmax",
    "torch.special.softmax",
];

/// An activation whose output a loss may be given: its functions, its
/// tensor method and its module.
pub struct Activation {
    pub functions: &'static [&'static str],
    pub method: Option<&'static str>,
    pub module: Option<&'static str>,
}

/// Softmax in its three forms.
pub const SOFTMAX_ACTIVATION: Activation = Activation {
    functions: SOFTMAX,
    method: Some("softmax"),
    module: Some("torch.nn.Softmax"),
};

/// A call of one of the losses (`modules` or `functions`, as for
/// [`torch_loss`]) whose input is the output of `activation`.
pub fn loss_of_activation<'t>(
    call: Node<'t>,
    checker: &Checker<'t>,
    modules: &[&str],
    functions: &[&str],
    activation: &Activation,
) -> Option<(Loss<'t>, Producer<'t>)> {
    let loss = torch_loss(call, checker, modules, functions)?;
    let input = argument(call, 0, "input", checker.text)?;
    let producer = produced_by(
        input,
        checker,
        activation.functions,
        activation.method,
        activation.module,
    )?;
    Some((loss, producer))
}

/// A loss being computed: how it was named, and the constructor call when
/// the module is made and called in one expression (`nn.BCELoss()(x, y)`).
pub struct Loss<'t> {
    pub name: String,
    /// `nn.BCELoss` in `nn.BCELoss()(x, y)`, or `F.binary_cross_entropy`.
    pub callee: Option<Node<'t>>,
}

/// Whether `call` computes one of the losses: a functional form
/// (`F.cross_entropy(x, y)`), a module made in place
/// (`nn.CrossEntropyLoss()(x, y)`) or a module assigned to a local name
/// first (`criterion = nn.CrossEntropyLoss()` ... `criterion(x, y)`).
pub fn torch_loss<'t>(
    call: Node<'t>,
    checker: &Checker<'t>,
    modules: &[&str],
    functions: &[&str],
) -> Option<Loss<'t>> {
    let text = checker.text;
    let function = call.child_by_field_name("function")?;
    if let Some(name) = checker.semantic.call_matches(call, text, functions) {
        return Some(Loss {
            name: format!("{}()", short(name)),
            callee: Some(function),
        });
    }
    let (constructor, inline) = match function.kind() {
        "call" => (function, true),
        "identifier" => (
            assigned_value(function, text).filter(|v| v.kind() == "call")?,
            false,
        ),
        _ => return None,
    };
    let name = checker.semantic.call_matches(constructor, text, modules)?;
    Some(Loss {
        name: if inline {
            format!("{}()", short(name))
        } else {
            format!("`{}` ({}())", checker.text_of(function), short(name))
        },
        callee: inline
            .then(|| constructor.child_by_field_name("function"))
            .flatten(),
    })
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The activation call an expression comes from.
pub struct Producer<'t> {
    pub name: String,
    pub call: Node<'t>,
    /// The activation's input tensor.
    pub input: Option<Node<'t>>,
    /// Written in place in the loss call (not through a variable).
    pub inline: bool,
    /// The node naming the function (`F.softmax`, `x.softmax`, `nn.Softmax`).
    pub callee: Option<Node<'t>>,
}

/// Whether `expr` is (or is a local variable assigned from) a call of one
/// of `functions`, of the tensor method `method` (`x.softmax(1)`), or of a
/// `module` made in place (`nn.Softmax(dim=1)(x)`).
pub fn produced_by<'t>(
    expr: Node<'t>,
    checker: &Checker<'t>,
    functions: &[&str],
    method: Option<&str>,
    module: Option<&str>,
) -> Option<Producer<'t>> {
    let text = checker.text;
    let (call, inline) = match expr.kind() {
        "call" => (expr, true),
        "identifier" => (
            assigned_value(expr, text).filter(|v| v.kind() == "call")?,
            false,
        ),
        _ => return None,
    };
    let function = call.child_by_field_name("function")?;
    if checker
        .semantic
        .call_matches(call, text, functions)
        .is_some()
    {
        return Some(Producer {
            name: format!("{}()", checker.text_of(function)),
            call,
            input: argument(call, 0, "input", text),
            inline,
            callee: Some(function),
        });
    }
    if let Some(module) = module
        && function.kind() == "call"
        && checker
            .semantic
            .call_matches(function, text, &[module])
            .is_some()
    {
        return Some(Producer {
            name: format!("{}()", short(module)),
            call,
            input: argument(call, 0, "input", text),
            inline,
            callee: function.child_by_field_name("function"),
        });
    }
    // `logits.softmax(dim=1)` on a tensor: the receiver is not a module.
    let method = method?;
    if function.kind() == "attribute"
        && function
            .child_by_field_name("attribute")
            .is_some_and(|a| checker.text_of(a) == method)
        && checker.semantic.imports("torch")
    {
        let object = function.child_by_field_name("object")?;
        let mut root = object;
        while root.kind() == "attribute" {
            root = root.child_by_field_name("object")?;
        }
        if root.kind() == "identifier" && checker.semantic.binding(checker.text_of(root)).is_some()
        {
            return None;
        }
        return Some(Producer {
            name: format!("`.{method}()`"),
            call,
            input: Some(object),
            inline,
            callee: Some(function),
        });
    }
    None
}
