use serde::Serialize;

/// Something the importer repaired or could not place; never silently dropped
/// text. Entries point at the line of the input they concern, so that an
/// operator can check each repair against the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportEntry {
    pub source: String,
    pub line: u32,
    pub kind: ReportKind,
    pub detail: String,
}

/// What an entry of the report records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReportKind {
    /// The title was a Markdown link `[...](#)`; the link markup was removed.
    TitleLinkMarkup,
    /// The title carried other Markdown markup (heading marks, emphasis),
    /// which was removed.
    TitleMarkup,
    /// The title began with the site's section label ("Press Releases: "),
    /// which was removed.
    SectionPrefix,
    /// The title was printed twice (a mirror's headline above the release's
    /// own); the first copy was dropped.
    RepeatedTitle,
    /// Invisible or junk characters (a box glyph, a replacement character, a
    /// zero-width space, a control character) were removed from a line.
    StrayGlyph,
    /// A paragraph broken mid-sentence by a blank line was joined with the
    /// next one.
    JoinedBrokenParagraph,
    /// Site or mirror boilerplate after the release (the site footer, "PRN:"
    /// numbers, "ENDS", e-mail footers) was removed.
    RemovedFooter,
    /// A header line that has no field in the content model (a venue, a
    /// mirror's source line) was not kept.
    HeaderLineNotKept,
    /// The release prints no kind line; the kind was taken from its title.
    KindFromTitle,
    /// Markdown emphasis wrapped around a whole body paragraph, which is
    /// page styling rather than content, was removed.
    EmphasisMarkup,
    /// Lines hard-wrapped inside a paragraph were joined into one.
    JoinedHardWrap,
    /// The file was not UTF-8 and was read as Windows-1252.
    Encoding,
    /// Text that belongs to no release (before the first one, or page
    /// chrome of a saved HTML page that holds text).
    Unplaced,
}

impl ReportKind {
    /// Whether the entry is a repair (as opposed to text left unplaced or a
    /// note about the reading).
    pub fn is_repair(self) -> bool {
        !matches!(self, ReportKind::Unplaced | ReportKind::Encoding)
    }

    /// A short, stable label for logs and the import summary.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::TitleLinkMarkup => "title_link_markup",
            ReportKind::TitleMarkup => "title_markup",
            ReportKind::SectionPrefix => "section_prefix",
            ReportKind::RepeatedTitle => "repeated_title",
            ReportKind::StrayGlyph => "stray_glyph",
            ReportKind::JoinedBrokenParagraph => "joined_broken_paragraph",
            ReportKind::RemovedFooter => "removed_footer",
            ReportKind::HeaderLineNotKept => "header_line_not_kept",
            ReportKind::KindFromTitle => "kind_from_title",
            ReportKind::EmphasisMarkup => "emphasis_markup",
            ReportKind::JoinedHardWrap => "joined_hard_wrap",
            ReportKind::Encoding => "encoding",
            ReportKind::Unplaced => "unplaced",
        }
    }
}

impl std::fmt::Display for ReportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for ReportEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.source, self.line, self.kind, self.detail
        )
    }
}

/// Collects report entries for one file.
#[derive(Debug)]
pub(crate) struct Reporter<'a> {
    source: &'a str,
    pub(crate) entries: Vec<ReportEntry>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Self {
            source,
            entries: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, line: u32, kind: ReportKind, detail: impl Into<String>) {
        self.entries.push(ReportEntry {
            source: self.source.to_owned(),
            line,
            kind,
            detail: detail.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_prints_file_line_and_label() {
        let e = ReportEntry {
            source: "a.txt".into(),
            line: 3,
            kind: ReportKind::RemovedFooter,
            detail: "PRN: 2009/682".into(),
        };
        assert_eq!(e.to_string(), "a.txt:3: removed_footer: PRN: 2009/682");
    }
}
