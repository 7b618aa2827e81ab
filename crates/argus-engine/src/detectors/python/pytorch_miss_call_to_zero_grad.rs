use super::super::prelude::*;
use super::boto3::assigned_value;

detector! {
    /// ## What it does
    /// Finds PyTorch training loops that call `loss.backward()` and
    /// `optimizer.step()` but never reset the gradients: no
    /// `optimizer.zero_grad()` / `model.zero_grad()`, no `p.grad = None`
    /// and no `p.grad.zero_()` anywhere in the loop (including closures
    /// passed to `step`). The optimizer is one made by a `torch.optim`
    /// class or a name containing `optim`.
    ///
    /// ## Why is this bad?
    /// `backward()` adds to the `.grad` of every parameter instead of
    /// overwriting it. Without a reset, each step uses the sum of the
    /// gradients of every batch so far: the effective learning rate grows
    /// with every iteration and training diverges or converges to a wrong
    /// model, with no error.
    ///
    /// ## Example
    /// ```python
    /// for inputs, target in loader:
    ///     loss = criterion(model(inputs), target)
    ///     loss.backward()
    ///     optimizer.step()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// for inputs, target in loader:
    ///     optimizer.zero_grad()
    ///     loss = criterion(model(inputs), target)
    ///     loss.backward()
    ///     optimizer.step()
    /// ```
    ///
    /// ## References
    /// - [PyTorch: Zeroing out gradients](https://pytorch.org/tutorials/recipes/recipes/zeroing_out_gradients.html)
    /// - [CWE-682: Incorrect Calculation](https://cwe.mitre.org/data/definitions/682.html)
    pub static SPEC = {
        ids: &["python/pytorch-miss-call-to-zero-grad@v1.0"],
        languages: &[Language::Python],
        name: "Missing zero_grad in a PyTorch training loop",
        category: Category::Quality,
        cwes: &[682],
        tags: &["pytorch", "machine-learning", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Call optimizer.zero_grad() in each iteration of the training loop, before loss.backward().",
        keywords: &["backward"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !checker.semantic.imports("torch") {
        return;
    }
    let Some(function) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "attribute")
    else {
        return;
    };
    if function
        .child_by_field_name("attribute")
        .is_none_or(|a| checker.text_of(a) != "step")
    {
        return;
    }
    let Some(optimizer) = function.child_by_field_name("object") else {
        return;
    };
    if !is_optimizer(optimizer, checker) {
        return;
    }
    // The innermost loop around the step that also runs a backward pass.
    let mut up = call.parent();
    let mut training_loop = None;
    while let Some(node) = up {
        match node.kind() {
            "function_definition" | "lambda" | "class_definition" => break,
            "for_statement" | "while_statement" if contains(node, text, &is_backward) => {
                training_loop = Some(node);
                break;
            }
            _ => up = node.parent(),
        }
    }
    let Some(training_loop) = training_loop else {
        return;
    };
    if contains(training_loop, text, &resets_gradients) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "no-zero-grad",
            format!(
                "`{}.step()` runs in a loop calling backward() but the gradients are never reset: call zero_grad() in each iteration",
                checker.text_of(optimizer)
            ),
        ),
    );
}

/// A `torch.optim` optimizer, or a name that says it is one.
fn is_optimizer(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    let name = match expr.kind() {
        "identifier" => checker.text_of(expr),
        "attribute" => expr
            .child_by_field_name("attribute")
            .map_or("", |a| checker.text_of(a)),
        _ => return false,
    };
    if expr.kind() == "identifier"
        && let Some(value) = assigned_value(expr, checker.text).filter(|v| v.kind() == "call")
    {
        return checker
            .semantic
            .callee_names(value, checker.text)
            .iter()
            .any(|n| n.starts_with("torch.optim.") && !n.starts_with("torch.optim.lr_scheduler."));
    }
    name.to_ascii_lowercase().contains("optim")
}

fn method_of<'n, 't>(call: Node<'n>, text: &'t str) -> Option<(Node<'n>, &'t str)> {
    if call.kind() != "call" {
        return None;
    }
    let function = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "attribute")?;
    let method = node_text(function.child_by_field_name("attribute")?, text);
    Some((function.child_by_field_name("object")?, method))
}

fn is_backward(node: Node<'_>, text: &str) -> bool {
    method_of(node, text).is_some_and(|(_, m)| m == "backward")
        // `torch.autograd.backward(loss)`, `scaler.scale(loss).backward()`.
        || (node.kind() == "call"
            && node
                .child_by_field_name("function")
                .is_some_and(|f| node_text(f, text).ends_with("autograd.backward")))
}

/// `x.zero_grad(...)`, `p.grad = None`, `p.grad.zero_()`,
/// `p.grad.data.zero_()`, `p.grad.detach_()`.
fn resets_gradients(node: Node<'_>, text: &str) -> bool {
    if let Some((object, method)) = method_of(node, text) {
        if method == "zero_grad" {
            return true;
        }
        let object = node_text(object, text);
        if matches!(method, "zero_" | "detach_" | "fill_")
            && (object.ends_with(".grad") || object.ends_with(".grad.data"))
        {
            return true;
        }
    }
    node.kind() == "assignment"
        && node
            .child_by_field_name("left")
            .is_some_and(|l| l.kind() == "attribute" && node_text(l, text).ends_with(".grad"))
}

fn contains(node: Node<'_>, text: &str, predicate: &dyn Fn(Node<'_>, &str) -> bool) -> bool {
    if predicate(node, text) {
        return true;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .any(|child| contains(child, text, predicate))
}
