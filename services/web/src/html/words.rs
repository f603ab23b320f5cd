//! How the pages say things the data holds in technical form: a tertial `2022-T1` is
//! "tertial 1 2022", as the municipalities' documents and Lofte's reminder mails say it.

/// "tertial 1 2022" for `2022-T1` (the id as given when it is not a tertial).
pub fn tertial(id: &str) -> String {
    match id.parse::<lofte_proto::tertial::Tertial>() {
        Ok(t) => format!("tertial {} {}", t.number(), t.year()),
        Err(_) => id.to_owned(),
    }
}

/// "Tertial 1 2022": [`tertial`] beginning a sentence or a heading.
pub fn tertial_cap(id: &str) -> String {
    let t = tertial(id);
    let mut c = t.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_tertial_is_said_as_in_the_documents() {
        assert_eq!(super::tertial("2022-T1"), "tertial 1 2022");
        assert_eq!(super::tertial_cap("2023-T3"), "Tertial 3 2023");
        assert_eq!(super::tertial("hösten"), "hösten");
    }
}
