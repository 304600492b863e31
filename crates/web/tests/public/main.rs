//! The public site over real HTTP: one server per test on a random loopback
//! port, its own database, the seed releases imported as the CLI does.

mod api;
mod archive;
mod caching;
mod corrections;
mod desk;
mod embargo;
mod exit;
mod feeds;
mod ledger;
mod listing;
mod matrix;
mod newsroom;
mod preview;
mod release;
mod render_cache;
mod safety;
mod search;
mod sitemaps;
mod snapshots;

/// The five distinct seed releases, as a reader must see them.
pub struct Expected {
    pub path: &'static str,
    pub title: &'static str,
    pub kind: &'static str,
    pub date_long: &'static str,
    pub date_iso: &'static str,
    pub attribution: Option<&'static str>,
    pub paragraphs: usize,
    pub first_words: &'static str,
}

pub const ATTRIBUTION: &str = "The below is attributable to Deputy Spokesperson Robert Palladino:";

pub const SEEDS: [Expected; 5] = [
    Expected {
        path: "/releases/2018/12/20/joint-statement-by-secretary-of-state-michael-r-pompeo-and-secretary-of-homeland",
        title: "Joint Statement by Secretary of State Michael R. Pompeo and Secretary of Homeland Security Kirstjen Nielsen: Chinese Actors Compromise Global Managed Service Providers",
        kind: "Media Note",
        date_long: "December 20, 2018",
        date_iso: "2018-12-20",
        attribution: None,
        paragraphs: 3,
        first_words: "Since at least 2014, Chinese cyber actors",
    },
    Expected {
        path: "/releases/2018/12/19/secretary-pompeos-meeting-with-omani-minister-responsible-for-foreign-affairs",
        title: "Secretary Pompeo's Meeting With Omani Minister Responsible for Foreign Affairs Yusuf bin Alawi bin Abdullah",
        kind: "Readout",
        date_long: "December 19, 2018",
        date_iso: "2018-12-19",
        attribution: Some(ATTRIBUTION),
        paragraphs: 1,
        first_words: "Secretary Michael R. Pompeo met today with Omani Minister",
    },
    Expected {
        path: "/releases/2018/12/19/seventh-meeting-of-the-law-enforcement-coordination-group-focused-on-countering",
        title: "Seventh Meeting of the Law Enforcement Coordination Group Focused on Countering Hizballah's Terrorist Activities",
        kind: "Media Note",
        date_long: "December 19, 2018",
        date_iso: "2018-12-19",
        attribution: None,
        paragraphs: 3,
        first_words: "On December 17-18, the United States and Europol",
    },
    Expected {
        path: "/releases/2018/12/19/sanctions-announcement-on-russia",
        title: "Sanctions Announcement on Russia",
        kind: "Media Note",
        date_long: "December 19, 2018",
        date_iso: "2018-12-19",
        attribution: None,
        paragraphs: 5,
        first_words: "Today, the Departments of State and the Treasury",
    },
    Expected {
        path: "/releases/2018/12/19/secretary-pompeos-meeting-with-norwegian-foreign-minister-ine-soreide",
        title: "Secretary Pompeo's Meeting With Norwegian Foreign Minister Ine Soreide",
        kind: "Readout",
        date_long: "December 19, 2018",
        date_iso: "2018-12-19",
        attribution: Some(ATTRIBUTION),
        paragraphs: 1,
        first_words: "Secretary Michael R. Pompeo met today in Washington, DC",
    },
];
