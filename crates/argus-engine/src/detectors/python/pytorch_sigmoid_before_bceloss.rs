use super::super::prelude::*;
use super::pytorch_redundant_softmax::{Activation, loss_of_activation};

detector! {
    /// ## What it does
    /// Finds PyTorch binary cross-entropy losses computed on the output of a
    /// sigmoid: `nn.BCELoss()(torch.sigmoid(x), y)`,
    /// `F.binary_cross_entropy(x.sigmoid(), y)`, or a `criterion` made by
    /// `nn.BCELoss()` called on a variable assigned from a sigmoid.
    ///
    /// ## Why is this bad?
    /// A sigmoid followed by a separate log is numerically unstable: for
    /// large logits the sigmoid rounds to exactly 0 or 1, `BCELoss` clamps
    /// the log to -100 and the gradient vanishes. `BCEWithLogitsLoss`
    /// combines both steps with the log-sum-exp trick and is stable.
    ///
    /// ## Example
    /// ```python
    /// loss = nn.BCELoss()(torch.sigmoid(logits), target)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// loss = nn.BCEWithLogitsLoss()(logits, target)
    /// ```
    ///
    /// ## References
    /// - [PyTorch: BCEWithLogitsLoss](https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html)
    /// - [CWE-1339: Insufficient Precision or Accuracy of a Real Number](https://cwe.mitre.org/data/definitions/1339.html)
    pub static SPEC = {
        ids: &["python/pytorch-sigmoid-before-bceloss@v1.0"],
        languages: &[Language::Python],
        name: "Sigmoid before PyTorch BCELoss",
        category: Category::Quality,
        cwes: &[1339],
        tags: &["pytorch", "machine-learning", "numerical-stability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Drop the sigmoid and use BCEWithLogitsLoss / F.binary_cross_entropy_with_logits on the logits.",
        keywords: &["sigmoid", "expit"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const SIGMOID: &[&str] = &[
    "torch.sigmoid",
    "torch.nn.functional.sigmoid",
    "torch.special.expit",
];

const SIGMOID_ACTIVATION: Activation = Activation {
    functions: SIGMOID,
    method: Some("sigmoid"),
    module: Some("torch.nn.Sigmoid"),
};

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some((loss, producer)) = loss_of_activation(
        call,
        checker,
        &["torch.nn.BCELoss", "torch.nn.modules.loss.BCELoss"],
        &["torch.nn.functional.binary_cross_entropy"],
        &SIGMOID_ACTIVATION,
    ) else {
        return;
    };
    let mut violation = Violation::new(
        "sigmoid-into-bce",
        format!(
            "{} is computed on the output of {}: use BCEWithLogitsLoss on the logits, which is numerically stable",
            loss.name, producer.name
        ),
    );
    // `nn.BCELoss()(torch.sigmoid(x), y)` -> `nn.BCEWithLogitsLoss()(x, y)`.
    if producer.inline
        && let (Some(x), Some(callee)) = (producer.input, loss.callee)
        && callee.kind() == "attribute"
        && let Some(method) = callee.child_by_field_name("attribute")
    {
        let renamed = match checker.text_of(method) {
            "BCELoss" => Some("BCEWithLogitsLoss"),
            "binary_cross_entropy" => Some("binary_cross_entropy_with_logits"),
            _ => None,
        };
        if let Some(renamed) = renamed {
            violation = violation.with_fix(Fix::new(
                format!("Use {renamed} on the logits"),
                vec![
                    Edit::replace(method.byte_range(), renamed),
                    Edit::replace(producer.call.byte_range(), checker.text_of(x)),
                ],
            ));
        }
    }
    checker.report(call, violation);
}
