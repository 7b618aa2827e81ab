use super::super::prelude::*;
use super::pytorch_redundant_softmax::{SOFTMAX_ACTIVATION, loss_of_activation};

detector! {
    /// ## What it does
    /// Finds PyTorch negative log-likelihood losses computed on the output
    /// of `softmax` instead of `log_softmax`: `nn.NLLLoss()(F.softmax(x, 1), y)`,
    /// `F.nll_loss(torch.softmax(x, 1), y)`, or a `criterion` made by
    /// `nn.NLLLoss()` called on a variable assigned from a softmax.
    ///
    /// ## Why is this bad?
    /// `NLLLoss` expects log-probabilities: it only negates and picks the
    /// target's entry. Given probabilities, the loss is `-p` instead of
    /// `-log p`, which is bounded, has the wrong gradients, and trains
    /// badly without raising any error.
    ///
    /// ## Example
    /// ```python
    /// loss = F.nll_loss(F.softmax(logits, dim=1), target)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// loss = F.nll_loss(F.log_softmax(logits, dim=1), target)
    /// ```
    ///
    /// ## References
    /// - [PyTorch: NLLLoss](https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html)
    /// - [CWE-682: Incorrect Calculation](https://cwe.mitre.org/data/definitions/682.html)
    pub static SPEC = {
        ids: &["python/pytorch-avoid-softmax-with-nllloss-rule@v1.0"],
        languages: &[Language::Python],
        name: "Softmax with PyTorch NLLLoss",
        category: Category::Quality,
        cwes: &[682],
        tags: &["pytorch", "machine-learning", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use log_softmax (or LogSoftmax) before NLLLoss, or pass the logits to CrossEntropyLoss.",
        keywords: &["softmax"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some((loss, producer)) = loss_of_activation(
        call,
        checker,
        &["torch.nn.NLLLoss", "torch.nn.modules.loss.NLLLoss"],
        &["torch.nn.functional.nll_loss"],
        &SOFTMAX_ACTIVATION,
    ) else {
        return;
    };
    let mut violation = Violation::new(
        "softmax-into-nll",
        format!(
            "{} expects log-probabilities but is given the output of {}: use log_softmax",
            loss.name, producer.name
        ),
    );
    if producer.inline
        && let Some(callee) = producer.callee
        && callee.kind() == "attribute"
        && let Some(name) = callee.child_by_field_name("attribute")
    {
        let renamed = match checker.text_of(name) {
            "softmax" => Some("log_softmax"),
            "Softmax" => Some("LogSoftmax"),
            _ => None,
        };
        if let Some(renamed) = renamed {
            violation = violation.with_fix(Fix::replace(
                format!("Use {renamed}"),
                name.byte_range(),
                renamed,
            ));
        }
    }
    checker.report(call, violation);
}
