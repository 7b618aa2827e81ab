//! Every detector argus ships, and the lookup tables built from them once:
//! node-kind dispatch per grammar and the keyword prefilter.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use argus_model::{DetectorInfo, Language, Severity};

use super::{
    DetectorSpec, cloudformation, csharp, go, java, javascript, meta, parse_doc, python, ruby,
    terraform,
};
use crate::lang::Grammar;
use crate::severity::severity;

/// The table of every detector, in no particular order (the registry sorts).
static SPECS: &[&DetectorSpec] = &[
    &meta::INVALID_SUPPRESSION,
    &python::insecure_hashing::SPEC,
    &python::hashlib_constructor::SPEC,
    &python::header_injection::SPEC,
    &python::stack_trace_exposure::SPEC,
    &python::cross_site_request_forgery::SPEC,
    &python::unrestricted_file_upload::SPEC,
    &python::ldap_authentication::SPEC,
    &python::clear_text_credentials::SPEC,
    &python::improper_authentication::SPEC,
    &python::code_injection::SPEC,
    &python::cross_site_scripting::SPEC,
    &python::ldap_injection::SPEC,
    &python::log_injection::SPEC,
    &python::module_injection::SPEC,
    &python::nosql_injection::SPEC,
    &python::insecure_connection::SPEC,
    &python::jwt_verification_disabled::SPEC,
    &python::insecure_cors_policy::SPEC,
    &python::open_redirect::SPEC,
    &python::os_command_injection::SPEC,
    &python::path_traversal::SPEC,
    &python::regular_expression_dos::SPEC,
    &python::server_side_request_forgery::SPEC,
    &python::sql_injection::SPEC,
    &python::template_injection::SPEC,
    &python::untrusted_deserialization::SPEC,
    &python::xpath_injection::SPEC,
    &python::untrusted_ami_images::SPEC,
    &python::sns_unauthenticated_unsubscribe::SPEC,
    &python::s3_verify_bucket_owner::SPEC,
    &python::lambda_client_reuse::SPEC,
    &python::aws_logged_credentials::SPEC,
    &python::docker_arbitrary_container_run::SPEC,
    &python::aws_kms_reencryption::SPEC,
    &python::aws_polling_instead_of_waiter::SPEC,
    &python::aws_unchecked_batch_failures::SPEC,
    &python::missing_pagination::SPEC,
    &python::assert_used_for_security::SPEC,
    &python::detect_activated_debug_feature::SPEC,
    &python::do_not_auto_add_or_warning_missing_hostkey_policy::SPEC,
    &python::improper_certificate_validation::SPEC,
    &python::insecure_cookie::SPEC,
    &python::insecure_random::SPEC,
    &python::insecure_socket_bind::SPEC,
    &python::insecure_temp_file::SPEC,
    &python::loose_file_permissions::SPEC,
    &python::xml_external_entity::SPEC,
    &python::insecure_cryptography::SPEC,
    &python::weak_obfuscation_of_request::SPEC,
    &python::hardcoded_ip_address::SPEC,
    &python::hardcoded_credentials::SPEC,
    &python::zip_bomb_attack::SPEC,
    &python::improper_privilege_management::SPEC,
    &python::swallow_exceptions::SPEC,
    &python::default_argument_mutable_objects::SPEC,
    &python::equality_vs_identity::SPEC,
    &python::multidimension_list_using_replication::SPEC,
    &python::catch_and_rethrow_exception::SPEC,
    &python::naive_datatime_time_zone_issues::SPEC,
    &python::iterating_sequence_modification::SPEC,
    &python::dict_get_method::SPEC,
    &python::resource_leak::SPEC,
    &python::socket_connection_timeout::SPEC,
    &python::leaky_subprocess_timeout::SPEC,
    &python::deprecated_method::SPEC,
    &python::lambda_override_reserved::SPEC,
    &python::pytorch_avoid_softmax_with_nllloss_rule::SPEC,
    &python::pytorch_miss_call_to_zero_grad::SPEC,
    &python::pytorch_redundant_softmax::SPEC,
    &python::pytorch_sigmoid_before_bceloss::SPEC,
    &python::sns_set_return_subscription_arn::SPEC,
    &python::string_concatenation::SPEC,
    &python::tensorflow_redundant_softmax::SPEC,
    &java::xml_external_entity::SPEC,
    &java::insecure_hashing::SPEC,
    // Java: cryptography and TLS.
    &java::insecure_cryptography::SPEC,
    &java::weak_random_number_generation::SPEC,
    &java::insecure_connection::SPEC,
    &java::improper_certificate_validation::SPEC,
    &java::unverified_hostname::SPEC,
    &java::partial_encryption::SPEC,
    &java::cipher_update_aad::SPEC,
    &java::aws_kms_reencryption::SPEC,
    //
    // Java: web configuration, credentials and files.
    &java::clear_text_credentials::SPEC,
    &java::cross_site_request_forgery::SPEC,
    &java::hardcoded_credentials::SPEC,
    &java::incorrect_authentication_exploitation::SPEC,
    &java::insecure_cookie::SPEC,
    &java::insecure_cors_policy::SPEC,
    &java::insecure_temporary_file::SPEC,
    &java::ldap_authentication::SPEC,
    &java::loose_file_permissions::SPEC,
    &java::sensitive_information_leak::SPEC,
    &java::session_fixation::SPEC,
    &java::weak_obfuscation_of_request::SPEC,
    //
    // Java: AWS and code quality.
    &java::s3_verify_bucket_owner::SPEC,
    &java::untrusted_ami_images::SPEC,
    &java::resource_leak::SPEC,
    &java::string_equality_check::SPEC,
    &java::missing_file_deletion_result_check::SPEC,
    &java::missing_check_on_createnewfile::SPEC,
    &java::missing_position_check_before_substring::SPEC,
    &java::missing_timeout_check_on_latch_await::SPEC,
    &java::missing_timeout_check_on_awaittermination::SPEC,
    &java::stream_min_max_vs_sort::SPEC,
    &java::iterate_on_map_entries::SPEC,
    &java::lambda_client_reuse::SPEC,
    &java::missing_getcause_on_invocationtargetexception::SPEC,
    &java::amazon_sqs_enable_long_polling::SPEC,
    &java::simple_date_format_time_zone::SPEC,
    &java::aws_dynamodb_getitem_null_check::SPEC,
    //
    // Java: taint.
    &java::sql_injection::SPEC,
    &java::os_command_injection::SPEC,
    &java::code_injection::SPEC,
    &java::expression_injection::SPEC,
    &java::template_injection::SPEC,
    &java::path_traversal::SPEC,
    &java::cross_site_scripting::SPEC,
    &java::http_response_splitting::SPEC,
    &java::open_redirect::SPEC,
    &java::ldap_injection::SPEC,
    &java::xpath_injection::SPEC,
    &java::untrusted_deserialization::SPEC,
    &java::log_injection::SPEC,
    &java::untrusted_data_in_decision::SPEC,
    &java::server_side_request_forgery::SPEC,
    &java::unsafe_reflection::SPEC,
    //
    // JavaScript/TypeScript: cryptography and TLS.
    &javascript::insecure_hashing::SPEC,
    &javascript::insecure_cryptography::SPEC,
    &javascript::cryptographic_key_generator::SPEC,
    &javascript::insecure_random::SPEC,
    &javascript::improper_certificate_validation::SPEC,
    &javascript::unverified_hostname::SPEC,
    &javascript::insecure_connection::SPEC,
    &javascript::timing_attack::SPEC,
    &javascript::jwt_verification_disabled::SPEC,
    // JavaScript/TypeScript: web configuration.
    &javascript::insecure_cookie::SPEC,
    &javascript::insecure_cors_policy::SPEC,
    &javascript::session_fixation::SPEC,
    &javascript::cross_site_request_forgery::SPEC,
    &javascript::dns_prefetching::SPEC,
    &javascript::improper_restriction_of_frames::SPEC,
    &javascript::limit_on_request_content_length::SPEC,
    &javascript::do_not_disable_html_autoescape::SPEC,
    &javascript::file_and_directory_information_exposure::SPEC,
    &javascript::origins_verified_cross_origin_communications::SPEC,
    //
    // JavaScript/TypeScript: credentials, files and logs.
    &javascript::hardcoded_credentials::SPEC,
    &javascript::insufficiently_protected_credentials::SPEC,
    &javascript::sensitive_information_leak::SPEC,
    &javascript::logging_of_sensitive_information::SPEC,
    &javascript::loose_file_permissions::SPEC,
    &javascript::insecure_temp_file::SPEC,
    &javascript::least_privilege_violation::SPEC,
    &javascript::improper_access_control::SPEC,
    &javascript::stack_trace_exposure::SPEC,
    &javascript::weak_obfuscation_of_request::SPEC,
    //
    // JavaScript/TypeScript: taint.
    &javascript::sql_injection::SPEC,
    &javascript::os_command_injection::SPEC,
    &javascript::code_injection::SPEC,
    &javascript::new_function_detected::SPEC,
    &javascript::path_traversal::SPEC,
    &javascript::file_injection::SPEC,
    &javascript::sendfile_injection::SPEC,
    &javascript::cross_site_scripting::SPEC,
    &javascript::server_side_request_forgery::SPEC,
    &javascript::open_redirect::SPEC,
    &javascript::nosql_injection::SPEC,
    &javascript::header_injection::SPEC,
    &javascript::xml_external_entity::SPEC,
    &javascript::xpath_injection::SPEC,
    &javascript::untrusted_deserialization::SPEC,
    &javascript::insecure_object_attribute_modification::SPEC,
    &javascript::non_literal_regular_expression::SPEC,
    &javascript::log_injection::SPEC,
    //
    &csharp::insecure_hashing::SPEC,
    &go::insecure_hashing::SPEC,
    &ruby::insecure_hashing::SPEC,
    &terraform::public_read_bucket_acl::SPEC,
    &cloudformation::public_read_bucket_acl::SPEC,
];

/// One detector id: a spec instantiated for one language (or for all files).
#[derive(Debug)]
pub struct Detector {
    pub id: &'static str,
    pub language: Option<Language>,
    pub spec: &'static DetectorSpec,
    pub info: DetectorInfo,
}

/// All detectors and their lookup tables.
pub struct Registry {
    detectors: Vec<Detector>,
    by_id: HashMap<&'static str, usize>,
    keywords: AhoCorasick,
    /// Keyword pattern -> detectors that list it.
    keyword_owners: Vec<Vec<usize>>,
    /// Per grammar: node kind id -> detectors to call.
    dispatch: Vec<OnceLock<Vec<Vec<u16>>>>,
}

/// The registry, built on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::build)
}

impl Registry {
    fn build() -> Registry {
        let mut detectors = Vec::new();
        for spec in SPECS.iter().chain(crate::secrets::detectors::ALL) {
            let languages: Vec<Option<Language>> = if spec.languages.is_empty() {
                vec![None]
            } else {
                spec.languages.iter().copied().map(Some).collect()
            };
            for (i, language) in languages.into_iter().enumerate() {
                let Some(id) = spec.ids.get(i).copied() else {
                    continue;
                };
                detectors.push(Detector {
                    id,
                    language,
                    spec,
                    info: info(id, language, spec),
                });
            }
        }
        detectors.sort_by(|a, b| a.id.cmp(b.id));
        let by_id = detectors
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id, i))
            .collect();

        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_owners: Vec<Vec<usize>> = Vec::new();
        for (index, detector) in detectors.iter().enumerate() {
            for keyword in detector.spec.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == keyword) {
                    Some(p) => keyword_owners[p].push(index),
                    None => {
                        patterns.push(keyword);
                        keyword_owners.push(vec![index]);
                    }
                }
            }
        }
        let keywords = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("keywords are plain strings");
        Registry {
            detectors,
            by_id,
            keywords,
            keyword_owners,
            dispatch: Grammar::ALL.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Every detector, sorted by id.
    pub fn all(&self) -> &[Detector] {
        &self.detectors
    }

    pub fn detector(&self, index: usize) -> &Detector {
        &self.detectors[index]
    }

    /// The index of the detector a spec declares (for specs with one id).
    pub fn index_of(&self, spec: &'static DetectorSpec) -> Option<usize> {
        self.by_id.get(spec.ids.first()?).copied()
    }

    /// Looks a detector up by its id, with or without the version.
    pub fn find(&self, id: &str) -> Option<(usize, &Detector)> {
        if let Some(&i) = self.by_id.get(id) {
            return Some((i, &self.detectors[i]));
        }
        self.detectors
            .iter()
            .enumerate()
            .find(|(_, d)| argus_model::unversioned(d.id) == id)
    }

    /// Node kind id -> detectors for one grammar.
    pub fn dispatch_table(&self, grammar: Grammar) -> &[Vec<u16>] {
        self.dispatch[grammar.index()].get_or_init(|| {
            let language = grammar.ts_language();
            let count = language.node_kind_count();
            let mut ids_by_name: HashMap<&str, Vec<u16>> = HashMap::new();
            for id in 0..count as u16 {
                if let Some(name) = language.node_kind_for_id(id) {
                    ids_by_name.entry(name).or_default().push(id);
                }
            }
            let mut table = vec![Vec::new(); count];
            for (index, detector) in self.detectors.iter().enumerate() {
                let Some(lang) = detector.language else {
                    continue;
                };
                if !Grammar::for_language(lang).contains(&grammar) {
                    continue;
                }
                if let Some((kinds, _)) = detector.spec.check.node_check() {
                    for kind in kinds {
                        for &id in ids_by_name.get(kind).map(Vec::as_slice).unwrap_or_default() {
                            table[id as usize].push(index as u16);
                        }
                    }
                }
            }
            table
        })
    }

    /// Which detectors may fire on a file of `language` with this `text`:
    /// those `wanted` accepts whose keywords occur in the text.
    pub fn active(
        &self,
        language: Option<Language>,
        text: &str,
        wanted: &dyn Fn(&Detector) -> bool,
    ) -> Vec<bool> {
        let candidate: Vec<bool> = self
            .detectors
            .iter()
            .map(|d| (d.language.is_none() || d.language == language) && wanted(d))
            .collect();
        let mut active: Vec<bool> = self
            .detectors
            .iter()
            .zip(&candidate)
            .map(|(d, &c)| c && d.spec.keywords.is_empty())
            .collect();
        let needs_keywords = self
            .detectors
            .iter()
            .zip(&candidate)
            .any(|(d, &c)| c && !d.spec.keywords.is_empty());
        if needs_keywords {
            for m in self.keywords.find_overlapping_iter(text) {
                for &owner in &self.keyword_owners[m.pattern().as_usize()] {
                    active[owner] |= candidate[owner];
                }
            }
        }
        active
    }

    /// Node kinds named by detectors that no grammar of their language has
    /// (a typo would make a detector silently dead).
    pub fn unknown_node_kinds(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for detector in &self.detectors {
            let (Some(language), Some((kinds, _))) =
                (detector.language, detector.spec.check.node_check())
            else {
                continue;
            };
            for kind in kinds {
                let known = Grammar::for_language(language).iter().any(|g| {
                    let l = g.ts_language();
                    (0..l.node_kind_count() as u16).any(|id| l.node_kind_for_id(id) == Some(kind))
                });
                if !known {
                    problems.push(format!("{}: unknown node kind '{kind}'", detector.id));
                }
            }
        }
        problems
    }
}

fn info(id: &str, language: Option<Language>, spec: &DetectorSpec) -> DetectorInfo {
    let unversioned = argus_model::unversioned(id);
    DetectorInfo {
        id: id.to_string(),
        name: spec.name.to_string(),
        language,
        category: spec.category,
        cwes: spec.cwes.to_vec(),
        tags: spec.tags.iter().map(|t| t.to_string()).collect(),
        access: spec.access,
        effort: spec.effort,
        // An impossible cell fails the registry tests; never reached at run time.
        severity: severity(spec.access, spec.effort).unwrap_or(Severity::Info),
        remediation: spec.remediation.to_string(),
        doc_path: format!("detectors/{unversioned}.md"),
        doc: parse_doc(spec.doc),
    }
}
