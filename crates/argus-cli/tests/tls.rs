//! TLS on the API: a certificate from a private CA made with openssl, the
//! AWS CLI and `argus remote` trusting it through --ca-bundle, TLS 1.2+
//! only.

#[path = "service/harness.rs"]
mod harness;

use std::path::Path;
use std::process::Command;

use harness::*;

/// A CA and a certificate for 127.0.0.1 signed by it.
fn certificates(dir: &Path) {
    let run = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=argus test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
}

#[test]
fn the_api_over_tls_with_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let cert = dir.path().join("server.pem");
    let key = dir.path().join("server.key");
    let ca = dir.path().join("ca.pem");
    let Some(server) = Server::start(
        Backend::Sqlite,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    assert!(server.url().starts_with("https://"), "{}", server.url());

    // The AWS CLI trusts the private CA only when told to.
    let listed = server.aws(&["list-scans", "--ca-bundle", ca.to_str().unwrap()]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    let untrusted = server.aws(&["list-scans"]);
    assert_ne!(untrusted.status, 0);
    assert!(
        untrusted
            .stderr
            .to_ascii_lowercase()
            .contains("certificate"),
        "{}",
        untrusted.stderr
    );

    // The whole flow with `argus remote`: upload URLs point at https too.
    let remote = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_argus"))
            .args(["remote", "scan", "tls-demo"])
            .arg(fixtures().join("v1"))
            .args([
                "--endpoint-url",
                &server.url(),
                "--format",
                "json",
                "--no-progress",
            ])
            .args(extra)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_REGION", REGION)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CA_BUNDLE")
            .output()
            .unwrap()
    };
    let scanned = remote(&["--ca-bundle", ca.to_str().unwrap()]);
    assert!(
        scanned.status.code() == Some(0) || scanned.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&scanned.stdout).unwrap();
    assert!(
        !report["findings"].as_array().unwrap().is_empty(),
        "{report}"
    );
    let refused = remote(&[]);
    assert_eq!(refused.status.code(), Some(2));

    // TLS 1.1 cannot be negotiated; TLS 1.2 and 1.3 can.
    let address = server.url().trim_start_matches("https://").to_string();
    let handshake = |version: &str| {
        Command::new("openssl")
            .args(["s_client", "-connect", &address, version, "-CAfile"])
            .arg(&ca)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let old = handshake("-tls1_1");
    assert!(!old.status.success(), "TLS 1.1 was accepted");
    for version in ["-tls1_2", "-tls1_3"] {
        let out = handshake(version);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Verify return code: 0 (ok)"),
            "{version}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
