//! Throwaway TLS certificates for tests, made at test time (nothing private is committed): a CA,
//! a server certificate for `localhost` and `127.0.0.1`, and a client certificate, all signed by
//! that CA, written as PEM files into a temporary directory that is removed on drop.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

/// Why certificates could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("cannot make a test certificate: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("cannot write a test certificate: {0}")]
    Io(#[from] std::io::Error),
}

/// A test CA and the certificates it signed, as files.
#[derive(Debug)]
pub struct TestPki {
    dir: tempfile::TempDir,
}

impl TestPki {
    /// Makes a fresh CA, server and client certificate.
    pub fn new() -> Result<TestPki, PkiError> {
        let dir = tempfile::tempdir()?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;
        std::fs::write(dir.path().join("ca.pem"), ca.pem())?;
        for (name, sans) in [("server", vec!["localhost".to_owned(), "127.0.0.1".to_owned()]), ("client", vec![])] {
            let key = KeyPair::generate()?;
            let cert = CertificateParams::new(sans)?.signed_by(&key, &ca)?;
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem())?;
            std::fs::write(dir.path().join(format!("{name}-key.pem")), key.serialize_pem())?;
        }
        Ok(TestPki { dir })
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The CA certificate.
    pub fn ca(&self) -> PathBuf {
        self.file("ca.pem")
    }

    /// The server's certificate and key.
    pub fn server(&self) -> (PathBuf, PathBuf) {
        (self.file("server.pem"), self.file("server-key.pem"))
    }

    /// The client's certificate and key.
    pub fn client(&self) -> (PathBuf, PathBuf) {
        (self.file("client.pem"), self.file("client-key.pem"))
    }

    /// The directory holding them all.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
