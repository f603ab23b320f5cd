//! OpenAPI schemas for the scalar newtypes that travel as strings or numbers on the wire.

use utoipa::openapi::{
    schema::{KnownFormat, SchemaFormat, Type},
    ObjectBuilder, RefOr, Schema,
};

/// A string schema with the given constraints.
pub(crate) fn string(
    pattern: Option<&str>,
    max_length: Option<usize>,
    format: Option<KnownFormat>,
    example: &str,
    description: &str,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .min_length(Some(1))
        .max_length(max_length)
        .format(format.map(SchemaFormat::KnownFormat))
        .examples([serde_json::Value::String(example.to_owned())])
        .description(Some(description))
        .into()
}

/// Implements `ToSchema` for a type whose schema `$schema` builds.
macro_rules! scalar_schema {
    ($ty:ty, $name:literal, $schema:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
        }
    };
}

scalar_schema!(
    crate::tertial::Tertial,
    "Tertial",
    string(Some("^[0-9]{4}-T[1-3]$"), Some(7), None, "2024-T1", "A tertial: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec.")
);
scalar_schema!(
    crate::date::BusinessDate,
    "BusinessDate",
    string(
        Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}((\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})|(,[0-9]{4}-[0-9]{2}-[0-9]{2}){1,30})?$"),
        Some(340),
        None,
        "2024-04-15..2024-04-16",
        "A local (Europe/Stockholm) date, an inclusive range of dates, or separate days of one entry (2024-10-03,2024-10-17)."
    )
);
scalar_schema!(
    crate::quantity::Approx,
    "Approx",
    string(
        None,
        Some(40),
        None,
        "ca 35",
        "A figure as said: 35, \"ca 35\", \"ett 20-tal\", \"15-20\", \"minst 8\" (a whole number is accepted too)."
    )
);
scalar_schema!(
    crate::quantity::Hours,
    "Hours",
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(Some(0.0))
        .maximum(Some(100_000.0))
        .description(Some("Hours, at most two decimals."))
        .into()
);
scalar_schema!(
    crate::chain::Hash,
    "Hash",
    string(Some("^[0-9a-f]{64}$"), Some(64), None, "00…", "A SHA-256 digest in lowercase hex.")
);
scalar_schema!(
    crate::text::Line,
    "Line",
    string(None, Some(300), None, "Gängsnacket", "One line of text, at most 300 characters.")
);
scalar_schema!(
    crate::text::Note,
    "Note",
    string(None, Some(4000), None, "Pågår. En processledare har anställts.", "Text, at most 4,000 characters.")
);
scalar_schema!(
    crate::text::Email,
    "Email",
    string(None, Some(254), Some(KnownFormat::Email), "trygghet@vatterhem.example", "An e-mail address.")
);
