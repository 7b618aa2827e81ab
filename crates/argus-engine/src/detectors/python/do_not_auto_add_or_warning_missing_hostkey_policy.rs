use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds Paramiko SSH clients told to accept unknown host keys:
    /// `client.set_missing_host_key_policy(paramiko.AutoAddPolicy())` or
    /// `WarningPolicy()`, given as an instance or as the class, however
    /// the policy is imported (`from paramiko import AutoAddPolicy`,
    /// `paramiko.client.WarningPolicy`).
    ///
    /// `RejectPolicy` and policies of the project's own are not reported.
    ///
    /// ## Why is this bad?
    /// The host key is how SSH knows it talks to the intended server.
    /// `AutoAddPolicy` trusts whatever key the first (or any new) server
    /// presents, and `WarningPolicy` only logs it: an attacker who
    /// intercepts the connection receives the credentials and the
    /// commands meant for the server.
    ///
    /// ## Example
    /// ```python
    /// import paramiko
    ///
    /// client = paramiko.SSHClient()
    /// client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    /// client.connect("build.internal", username="deploy")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import paramiko
    ///
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.set_missing_host_key_policy(paramiko.RejectPolicy())
    /// client.connect("build.internal", username="deploy")
    /// ```
    /// Distribute the servers' keys through `known_hosts` (or
    /// `client.get_host_keys().add(...)`).
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [CWE-322: Key Exchange without Entity Authentication](https://cwe.mitre.org/data/definitions/322.html)
    /// - [Paramiko: SSHClient.set_missing_host_key_policy](https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.set_missing_host_key_policy)
    /// - [Bandit B507: ssh_no_host_key_verification](https://bandit.readthedocs.io/en/latest/plugins/b507_ssh_no_host_key_verification.html)
    pub static SPEC = {
        ids: &["python/do-not-auto-add-or-warning-missing-hostkey-policy@v1.0"],
        languages: &[Language::Python],
        name: "SSH host key not verified",
        category: Category::Security,
        cwes: &[295, 322],
        tags: &["ssh", "authentication"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Load known host keys and use paramiko.RejectPolicy so that connections to hosts with unknown keys fail.",
        keywords: &["paramiko"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Paramiko's accepting policies, by qualified name.
const ACCEPTING: &[&str] = &[
    "paramiko.AutoAddPolicy",
    "paramiko.WarningPolicy",
    "paramiko.client.AutoAddPolicy",
    "paramiko.client.WarningPolicy",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let is_setter = super::method_name_node(call)
        .is_some_and(|m| node_text(m, text) == "set_missing_host_key_policy");
    if !is_setter {
        return;
    }
    let Some(policy) = argument(call, 0, "policy", text) else {
        return;
    };
    // `paramiko.AutoAddPolicy()` or the class itself.
    let class = if policy.kind() == "call" {
        let no_arguments = call_arguments(policy).is_some_and(|a| a.named_child_count() == 0);
        match policy.py_field("function") {
            Some(function) if no_arguments => function,
            _ => return,
        }
    } else {
        policy
    };
    let names = checker.semantic.qualified_names(class, text);
    let Some(name) = ACCEPTING
        .iter()
        .find(|accepting| names.iter().any(|n| n == *accepting))
    else {
        return;
    };
    let short = name.rsplit('.').next().unwrap_or(name);
    let message = if short == "AutoAddPolicy" {
        "AutoAddPolicy trusts the host key of any server it has not seen before"
    } else {
        "WarningPolicy only logs an unknown host key and connects anyway"
    };
    let mut violation = Violation::new("accepting-policy", message);
    // `paramiko.AutoAddPolicy()` -> `paramiko.RejectPolicy()`.
    if class.kind() == "attribute"
        && let Some(attribute) = class.py_field("attribute")
    {
        violation = violation.with_fix(Fix::replace(
            "Reject unknown host keys (RejectPolicy)",
            attribute.byte_range(),
            "RejectPolicy",
        ));
    }
    checker.report(call, violation);
}
