//! STARTTLS and SMTPS for real: mail servers that require them, with a certificate from a private CA that
//! the notifier is told to trust (`smtp.ca_file`). Without that trust, or without TLS, nothing is
//! sent — and the error never shows the password.

use jiff::civil::date;
use lofte_notifier::{
    compose::{reminder, Links, Owed},
    mailer::Mailer,
    message::build,
    settings::{Secret, Smtp, Tls},
};
use lofte_proto::{calendar::Occasion, text::Email};
use lofte_test_support::SmtpServer;

pub(super) fn mail() -> lettre::Message {
    let to = lofte_notifier::people::Recipient {
        person: uuid::Uuid::from_u128(1),
        email: Email::new("sakerhet@vatterhem.example").unwrap(),
    };
    let owed = Owed {
        plan: "jonkoping-2022".parse().unwrap(),
        plan_title: "Medborgarlöfte 2022".into(),
        tertial: "2022-T1".parse().unwrap(),
        due: date(2022, 5, 16),
        activity: "est".parse().unwrap(),
        activity_title: "EST".into(),
        org: "vatterhem".parse().unwrap(),
        org_name: "Vätterhem".into(),
    };
    let links = Links { projector: "http://127.0.0.1:7420".into(), contact: "samordnaren".into(), web: None };
    build(&reminder(&to, Occasion::Due, &[owed], &links), "Lofte <lofte@jonkoping.example>").unwrap()
}

#[tokio::test]
async fn starttls_with_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
    let smtp = SmtpServer::start_starttls(&cert, &key).await.expect("aiosmtpd with STARTTLS");
    let base = Smtp { host: Some("localhost".into()), port: smtp.port(), tls: Tls::Starttls, ..Smtp::default() };

    let trusted = Mailer::new(&Smtp { ca_file: Some(cert.clone()), ..base.clone() }, dir.path()).unwrap();
    trusted.send(mail()).await.expect("delivered over STARTTLS");
    assert_eq!(smtp.messages().len(), 1);

    let untrusted = Mailer::new(
        &Smtp { password: Some(Secret("hemligt".into())), username: Some("lofte".into()), ..base.clone() },
        dir.path(),
    )
    .unwrap();
    let err = untrusted.send(mail()).await.unwrap_err();
    assert!(!err.to_string().contains("hemligt") && !format!("{err:?}").contains("hemligt"), "{err}");
    let plain = Mailer::new(&Smtp { tls: Tls::None, ..base }, dir.path()).unwrap();
    assert!(plain.send(mail()).await.is_err(), "the server requires STARTTLS");
    assert_eq!(smtp.messages().len(), 1, "nothing else got through");

    // TLS from the first byte (SMTPS, port 465 style).
    let smtps = SmtpServer::start_smtps(&cert, &key).await.expect("aiosmtpd with SMTPS");
    let tls = Smtp {
        host: Some("localhost".into()),
        port: smtps.port(),
        tls: Tls::Tls,
        ca_file: Some(cert),
        ..Smtp::default()
    };
    Mailer::new(&tls, dir.path()).unwrap().send(mail()).await.expect("delivered over TLS");
    assert_eq!(smtps.messages().len(), 1);
}
