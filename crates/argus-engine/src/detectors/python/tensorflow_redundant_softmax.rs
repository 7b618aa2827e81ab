use super::super::prelude::*;
use super::pytorch_redundant_softmax::produced_by;

detector! {
    /// ## What it does
    /// Finds TensorFlow losses that expect logits but are given the output
    /// of a softmax: `tf.nn.softmax_cross_entropy_with_logits(labels=y,
    /// logits=tf.nn.softmax(x))`, the sparse variant, and the Keras
    /// categorical cross-entropy losses with `from_logits=True` called on
    /// `tf.nn.softmax(...)` (directly or through a local variable).
    ///
    /// ## Why is this bad?
    /// These losses apply softmax themselves. Softmax applied twice flattens
    /// the predicted distribution, so the loss and its gradients no longer
    /// reflect the model's confidence and training converges slowly or to a
    /// worse model, silently.
    ///
    /// ## Example
    /// ```python
    /// loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.nn.softmax(logits))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
    /// ```
    ///
    /// ## References
    /// - [TensorFlow: tf.nn.softmax_cross_entropy_with_logits](https://www.tensorflow.org/api_docs/python/tf/nn/softmax_cross_entropy_with_logits)
    /// - [CWE-682: Incorrect Calculation](https://cwe.mitre.org/data/definitions/682.html)
    pub static SPEC = {
        ids: &["python/tensorflow-redundant-softmax@v1.0"],
        languages: &[Language::Python],
        name: "Softmax before a TensorFlow logits loss",
        category: Category::Quality,
        cwes: &[682],
        tags: &["tensorflow", "machine-learning", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Pass the raw logits to losses that take logits (softmax_cross_entropy_with_logits, from_logits=True).",
        keywords: &["softmax"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const SOFTMAX: &[&str] = &[
    "tensorflow.nn.softmax",
    "tensorflow.math.softmax",
    "tensorflow.keras.activations.softmax",
    "keras.activations.softmax",
];

/// Functions taking `(labels, logits)`.
const WITH_LOGITS: &[&str] = &[
    "tensorflow.nn.softmax_cross_entropy_with_logits",
    "tensorflow.nn.sparse_softmax_cross_entropy_with_logits",
    "tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits_v2",
    "tensorflow.nn.softmax_cross_entropy_with_logits_v2",
];

/// Keras functions taking `(y_true, y_pred, from_logits=...)`.
const KERAS_FUNCTIONS: &[&str] = &[
    "tensorflow.keras.losses.categorical_crossentropy",
    "tensorflow.keras.losses.sparse_categorical_crossentropy",
    "keras.losses.categorical_crossentropy",
    "keras.losses.sparse_categorical_crossentropy",
];

/// Keras loss classes, configured with `from_logits=...`.
const KERAS_CLASSES: &[&str] = &[
    "tensorflow.keras.losses.CategoricalCrossentropy",
    "tensorflow.keras.losses.SparseCategoricalCrossentropy",
    "keras.losses.CategoricalCrossentropy",
    "keras.losses.SparseCategoricalCrossentropy",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let from_logits =
        |c: Node<'_>| keyword_argument(c, "from_logits", text).is_some_and(|v| v.kind() == "true");
    let (loss, input) = if let Some(name) = checker.semantic.call_matches(call, text, WITH_LOGITS) {
        (name, argument(call, 1, "logits", text))
    } else if let Some(name) = checker.semantic.call_matches(call, text, KERAS_FUNCTIONS) {
        if !from_logits(call) {
            return;
        }
        (name, argument(call, 1, "y_pred", text))
    } else {
        let Some(constructor) = call
            .child_by_field_name("function")
            .and_then(|f| match f.kind() {
                "call" => Some(f),
                "identifier" => {
                    super::boto3::assigned_value(f, text).filter(|v| v.kind() == "call")
                }
                _ => None,
            })
        else {
            return;
        };
        let Some(name) = checker
            .semantic
            .call_matches(constructor, text, KERAS_CLASSES)
        else {
            return;
        };
        if !from_logits(constructor) {
            return;
        }
        (name, argument(call, 1, "y_pred", text))
    };
    let Some(input) = input else {
        return;
    };
    let Some(producer) = produced_by(input, checker, SOFTMAX, None, None) else {
        return;
    };
    let loss = loss.rsplit('.').next().unwrap_or(loss);
    let mut violation = Violation::new(
        "softmax-into-logits-loss",
        format!(
            "{loss} expects logits but is given the output of {}: softmax is applied twice",
            producer.name
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
