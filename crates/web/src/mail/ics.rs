//! Calendar invitations (iCalendar, RFC 5545, sent as iMIP, RFC 6047), built
//! with the `icalendar` crate: it escapes and folds the lines, so no text is
//! put together by hand here.
//!
//! One meeting is one event for its whole life: the UID is the meeting's id
//! at the host Laget is reached at, and every change sent raises the
//! SEQUENCE (`meetings.sequence`, copied to `outgoing_mail.sequence` when the
//! message is queued). A change is sent again as METHOD:REQUEST; a
//! cancellation as METHOD:CANCEL with STATUS:CANCELLED. The summary is the
//! same for every meeting («Møte i Laget») and names no child; the place is
//! the meeting's, the description holds the link. Answers are given in
//! Laget, not by mail, so attendees are not asked to reply (RSVP=FALSE).

use chrono::{DateTime, Utc};
use icalendar::{Component, EventLike, EventStatus, Property};
use laget_domain::ids::MeetingId;
use lettre::message::Mailbox;

/// The attachment's file name.
pub const FILE_NAME: &str = "invitasjon.ics";

/// What the invitation asks of the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Add or update the event.
    Request,
    /// Remove the event.
    Cancel,
}

impl Method {
    /// As in `METHOD:` and the `method=` of the content type.
    pub fn code(self) -> &'static str {
        match self {
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

/// A calendar object ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub method: Method,
    pub text: String,
}

/// One meeting as a calendar event.
#[derive(Clone, Debug)]
pub struct Invitation<'a> {
    pub method: Method,
    pub meeting: MeetingId,
    /// The host of Laget's address (`BaseUrl::host`).
    pub host: &'a str,
    pub sequence: u32,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// When the message was queued (DTSTAMP): the same on a repeat.
    pub stamp: DateTime<Utc>,
    /// «Møte i Laget», in the recipient's written standard.
    pub summary: &'a str,
    /// The meeting's place (or its video link).
    pub location: Option<&'a str>,
    /// A sentence and the link to the meeting in Laget.
    pub description: &'a str,
    pub link: Option<&'a str>,
    /// The meeting's video link (RFC 7986 CONFERENCE), also written in the
    /// description by the caller.
    pub conference: Option<&'a str>,
    /// The person who called the meeting, at Laget's own address.
    pub organizer: &'a Mailbox,
    pub attendee: &'a Mailbox,
}

impl Invitation<'_> {
    /// The UID, the same for every message about the meeting.
    pub fn uid(&self) -> String {
        format!("{}@{}", self.meeting, self.host)
    }

    /// The calendar object.
    pub fn calendar(&self) -> Calendar {
        let mut event = icalendar::Event::new();
        event
            .uid(&self.uid())
            .sequence(self.sequence)
            .timestamp(self.stamp)
            .starts(self.starts)
            .ends(self.ends)
            .summary(self.summary)
            .description(self.description)
            .class(icalendar::Class::Private)
            .status(match self.method {
                Method::Request => EventStatus::Confirmed,
                Method::Cancel => EventStatus::Cancelled,
            })
            .append_property(
                Property::new("ORGANIZER", mailto(self.organizer))
                    .add_parameter("CN", self.organizer.name.as_deref().unwrap_or("Laget"))
                    .done(),
            )
            .append_multi_property(
                Property::new("ATTENDEE", mailto(self.attendee))
                    .add_parameter("ROLE", "REQ-PARTICIPANT")
                    .add_parameter("PARTSTAT", "NEEDS-ACTION")
                    .add_parameter("RSVP", "FALSE")
                    .done(),
            );
        if let Some(place) = self.location.filter(|p| !p.trim().is_empty()) {
            event.location(place);
        }
        if let Some(link) = self.link {
            event.url(link);
        }
        if let Some(video) = self.conference.filter(|v| !v.trim().is_empty()) {
            event.append_property(
                Property::new("CONFERENCE", video)
                    .add_parameter("VALUE", "URI")
                    .add_parameter("FEATURE", "VIDEO")
                    .done(),
            );
        }
        let mut calendar = icalendar::Calendar::empty();
        calendar
            .append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", "-//Laget//Laget//NO"))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .append_property(Property::new("METHOD", self.method.code()))
            .push(event.done());
        Calendar {
            method: self.method,
            text: calendar.to_string(),
        }
    }
}

fn mailto(mailbox: &Mailbox) -> String {
    format!("mailto:{}", mailbox.email)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_and_its_cancellation_are_one_event() {
        let organizer: Mailbox = "Laget <laget@kommune.no>".parse().unwrap();
        let attendee: Mailbox = "tora@kommune.no".parse().unwrap();
        let meeting = MeetingId::new();
        let starts = DateTime::parse_from_rfc3339("2027-01-11T08:00:00+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let invitation = Invitation {
            method: Method::Request,
            meeting,
            host: "laget.kommune.no",
            sequence: 0,
            starts,
            ends: starts + chrono::Duration::hours(1),
            stamp: starts,
            summary: "Møte i Laget",
            location: Some("Møterom 2, rådhuset; 2. etasje"),
            description: "Se innkallingen i Laget.",
            link: Some("https://laget.kommune.no/logger/x/moter/y"),
            conference: Some("https://video.kommune.no/m/1"),
            organizer: &organizer,
            attendee: &attendee,
        };
        let request = invitation.calendar().text;
        assert!(request.contains("METHOD:REQUEST\r\n"), "{request}");
        assert!(request.contains(&format!("UID:{meeting}@laget.kommune.no\r\n")));
        assert!(
            request.contains("DTSTART:20270111T070000Z\r\n"),
            "{request}"
        );
        assert!(request.contains("SEQUENCE:0\r\n"));
        // The library escapes what text holds.
        assert!(request.contains("LOCATION:Møterom 2\\, rådhuset\\; 2. etasje"));
        assert!(
            request.contains("CONFERENCE;FEATURE=VIDEO;VALUE=URI:https://video.kommune.no/m/1\r\n"),
            "{request}"
        );
        let cancel = Invitation {
            method: Method::Cancel,
            sequence: 2,
            ..invitation
        }
        .calendar()
        .text;
        assert!(cancel.contains("METHOD:CANCEL\r\n"));
        assert!(cancel.contains("STATUS:CANCELLED\r\n"));
        assert!(cancel.contains("SEQUENCE:2\r\n"));
        assert!(cancel.contains(&format!("UID:{meeting}@laget.kommune.no\r\n")));
    }
}
