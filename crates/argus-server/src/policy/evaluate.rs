//! Evaluating a request against a caller's policies, the IAM way: deny by
//! default, an explicit Deny anywhere wins, otherwise any Allow allows.

use std::collections::HashMap;

use super::document::{Policy, Statement};
use super::pattern::Glob;

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// No statement allowed the request.
    ImplicitDeny,
    /// A Deny statement matched: no Allow can override it.
    ExplicitDeny,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit deny",
            Decision::ExplicitDeny => "explicit deny",
        })
    }
}

/// What a request asks for, and the condition keys it carries.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    action: String,
    resource: String,
    /// Lowercased key name → values.
    keys: HashMap<String, Vec<String>>,
}

impl RequestContext {
    /// `action` as `service:Operation` (`codeguru-security:CreateScan`);
    /// `resource` an ARN, or `*` for operations on no particular resource.
    pub fn new(action: &str, resource: &str) -> RequestContext {
        RequestContext {
            action: action.to_owned(),
            resource: resource.to_owned(),
            keys: HashMap::new(),
        }
    }

    /// Sets a condition key (its name is case-insensitive), replacing any
    /// value it had. Multi-valued keys such as `aws:TagKeys` take them all.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.keys.insert(key.to_lowercase(), values);
    }

    /// The values of a condition key, if the request carries it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        match self.keys.get(key) {
            Some(values) => Some(values),
            None => self.keys.get(&key.to_lowercase()).map(Vec::as_slice),
        }
    }

    pub fn action(&self) -> &str {
        &self.action
    }

    pub fn resource(&self) -> &str {
        &self.resource
    }
}

/// The decision for `context` under all of the caller's `policies`.
pub fn evaluate(policies: &[&Policy], context: &RequestContext) -> Decision {
    explain(policies, context).decision
}

/// A decision and the statement that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub decision: Decision,
    /// Index into the `policies` given, and of the statement in that policy,
    /// of the deciding statement (the first matching Deny, else the first
    /// matching Allow); `None` for an implicit deny.
    pub statement: Option<(usize, usize)>,
    /// That statement's `Sid`, if it has one.
    pub sid: Option<String>,
}

/// [`evaluate`], saying which statement decided (for `argus admin` to show).
pub fn explain(policies: &[&Policy], context: &RequestContext) -> Explanation {
    let mut allow = None;
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements().iter().enumerate() {
            if !applies(statement, context) {
                continue;
            }
            if statement.deny {
                return Explanation {
                    decision: Decision::ExplicitDeny,
                    statement: Some((p, s)),
                    sid: statement.sid.clone(),
                };
            }
            allow.get_or_insert((p, s, statement.sid.clone()));
        }
    }
    match allow {
        Some((p, s, sid)) => Explanation {
            decision: Decision::Allow,
            statement: Some((p, s)),
            sid,
        },
        None => Explanation {
            decision: Decision::ImplicitDeny,
            statement: None,
            sid: None,
        },
    }
}

fn applies(statement: &Statement, context: &RequestContext) -> bool {
    let action = statement
        .actions
        .patterns
        .iter()
        .any(|p| Glob::IGNORE_CASE.matches(p, context.action()));
    if action == statement.actions.negated {
        return false;
    }
    // A resource naming an unset variable matches nothing.
    let resource = statement.resources.patterns.iter().any(|t| {
        t.pattern(context)
            .is_some_and(|p| Glob::RESOURCE.matches(&p, context.resource()))
    });
    if resource == statement.resources.negated {
        return false;
    }
    statement.conditions.iter().all(|c| c.holds(context))
}
