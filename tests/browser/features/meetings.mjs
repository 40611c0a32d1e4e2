// Meetings (issue #11; crates/web/src/meetings/invitations.rs, minutes.rs,
// crates/web/src/mail/, outbox/mail.rs): scenarios q1–q4, the browser path
// of a case meeting in a demo log, from the invitation to the family's
// rating, with the e-mail read from a real SMTP server.
//
// The log is Theo Berg's in Solsiden barnehage (crates/cli/src/demo_logs.rs):
// level 2, held by «ansatt» (Astrid Ansatt), with «helsesykepleier» (Hanne
// Helsesykepleier) on the team under a consent for meetings, and the
// guardians Julie and Andreas Berg. The demo gives this log no meetings of
// its own (crates/cli/src/demo_meetings.rs), so the scenario's meeting is
// the only one there.
//
// The server sends its e-mail to tests/mail/smtp_sink.py (lib/server.mjs);
// the messages are read from the sink's .json files, where the calendar
// parts are parsed by Python's icalendar.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { soft, scenario } from '../lib/runner.mjs';
import { mailDir, mailProblem } from '../lib/server.mjs';
import { newContext, newPage, checkPage, goto, pathOf, text, expectFieldError, expectNotice, login, dateIn, loadBy } from '../lib/browser.mjs';
import { DEMO_PASSWORD, stamp } from '../lib/demo.mjs';

const MEETING = {
  child: 'Theo Berg',
  lead: 'ansatt',
  leadName: 'Astrid Ansatt',
  nurse: 'helsesykepleier',
  nurseName: 'Hanne Helsesykepleier',
  nurseUnit: 'Helsestasjon og skolehelsetjeneste',
  nurseAddress: 'helsesykepleier@demo.kommune.example',
  guardian: 'Julie Berg',
  place: `Solsiden barnehage, personalrommet (${stamp})`,
  // The meeting starts a minute or two from now, Norwegian time (the form
  // refuses a start before now), and q2 waits for it to begin (minutes are
  // approved only once the meeting has begun): set by q1, see meetingClock.
  day: null,
  from: null,
  to: null,
  startsAt: null,
  voice: 'Theo peker på bildet av mamma og smiler. Han vil ha den samme voksne hver morgen.',
  discussed: 'Helsestasjonen og barnehagen ser det samme: Theo søker lite trøst. Foreldrene vil gjerne ha veiledning.',
  decision: `Helsesykepleier har en samtale med foreldrene om trygghet og trøst (${stamp}).`,
  doneNote: `Samtalen er holdt, og foreldrene har fått plass på kurset (${stamp}).`,
  comment: `Godt å høre at barnehagen og helsestasjonen samarbeider (${stamp}).`,
  // Filled in as the scenarios go.
  logHref: null,
  meetingHref: null,
  meetingId: null,
  approved: false,
  done: false,
};

// The e-mail the SMTP server has received, parsed (newest last).
async function receivedMail() {
  if (!mailDir) return [];
  const files = (await readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const out = [];
  for (const f of files) {
    out.push({ file: f, ...JSON.parse(await readFile(path.join(mailDir, f), 'utf8')) });
  }
  return out;
}

function header(mail, name) {
  const key = Object.keys(mail.headers || {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? mail.headers[key] : '';
}

// Waits (at most `ms`) for a message that `match` accepts; the outbox
// worker sends after the commit, looking for work every second.
async function waitForMail(match, what, ms = 30_000) {
  assert.ok(mailDir, `cannot read e-mail: ${mailProblem}`);
  const until = Date.now() + ms;
  for (;;) {
    const found = (await receivedMail()).filter(match);
    if (found.length) return found;
    if (Date.now() > until) {
      const all = await receivedMail();
      throw new Error(`no e-mail ${what} arrived within ${ms / 1000} s; the SMTP server got ${all.length}: ${all.slice(-5).map((m) => `${header(m, 'To')} «${header(m, 'Subject')}»`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// The row of the meeting page's e-mail list for a recipient and a kind.
function mailRow(page, who, kind) {
  return page.locator('section[aria-labelledby="epost-om-motet"] tbody tr').filter({ hasText: who }).filter({ hasText: kind });
}

// Reloads the meeting page until the e-mail to `who` of `kind` shows
// `state` (the worker sends after the commit), at most `ms`.
async function waitForMailState(page, who, kind, state, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const row = mailRow(page, who, kind);
    if ((await row.count()) === 1 && (await text(row)).includes(state)) return text(row);
    if (Date.now() > until) {
      const rows = await page.locator('section[aria-labelledby="epost-om-motet"]').innerText().catch(() => '(no e-mail list)');
      throw new Error(`the e-mail list of ${pathOf(page)} does not show «${state}» for ${kind} to ${who} within ${ms / 1000} s: ${rows.replace(/\s+/g, ' ')}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    await page.reload({ waitUntil: 'load' });
  }
}

// The page is no wider than its window (nothing to scroll sideways).
async function fitsWidth(page) {
  const [wide, width] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  soft(() => assert.ok(wide <= width, `${pathOf(page)} is ${wide} px wide in a ${width} px window`));
}

export async function meetings() {
  const leadCtx = await newContext();
  const lead = await newPage(leadCtx);
  try {
    // q1. The lead calls a samarbeidsmøte from the log: the form comes
    // filled in from the municipality's template, the guardians checked;
    // with them taken off, nobody invited is refused
    // beside «Ansatte på laget» (422, values kept); sent, the meeting page
    // shows the invitation, who has not answered (møteplikt at level 2) and
    // the e-mail status — «Sendt» to the health nurse, «Ikke sendt» to the
    // guardian without an address — and the SMTP server got the invitation:
    // a subject without the child's name and a text/calendar part with
    // METHOD:REQUEST for this meeting's UID. The nurse answers on the
    // meeting's page; the lead marks the child's voice gathered.
    await scenario('q1. the lead invites to a samarbeidsmøte from a log (nobody invited refused, 422); the meeting page shows the invitation and the e-mail status, the SMTP server got a calendar invitation (METHOD:REQUEST) naming no child; the nurse answers; the child\'s voice is marked gathered', async () => {
      await login(lead, MEETING.lead, DEMO_PASSWORD, 'q1-login-lead');
      await goto(lead, '/barn', 'q1-children');
      const row = lead.locator('main tbody tr').filter({ hasText: MEETING.child });
      assert.equal(await row.count(), 1, `«${MEETING.child}» is among Solsiden's children`);
      let resp = await loadBy(lead, () => row.locator('a[href^="/logger/"]').first().click());
      await checkPage(lead, 'q1-log');
      assert.equal(resp.status(), 200);
      MEETING.logHref = new URL(lead.url()).pathname;
      const section = lead.locator('section[aria-labelledby="moter"]');
      assert.match(await text(section), /Ingen møter er kalt inn\./, 'the demo gives this log no meetings');

      resp = await loadBy(lead, () => section.getByRole('link', { name: 'Kall inn til møte', exact: true }).click());
      await checkPage(lead, 'q1-meeting-new');
      assert.equal(pathOf(lead), `${MEETING.logHref}/moter/ny`);
      assert.equal(await text(lead.locator('h1')), `Innkalling til møte – ${MEETING.child}`);
      await lead.locator('#type').getByLabel('Samarbeidsmøte', { exact: true }).check();
      assert.ok((await lead.inputValue('#formal')).trim().length > 0, 'the purpose comes from the template');
      assert.match(await lead.inputValue('#agenda'), /^1\. /, 'the agenda comes from the template, numbered');
      assert.match(await text(lead.locator('main')), /Møteplikt: loggen er på nivå 2 eller 3/);
      Object.assign(MEETING, meetingClock(new Date()));
      await lead.fill('#dato', MEETING.day);
      await lead.fill('#fra', MEETING.from);
      await lead.fill('#til', MEETING.to);
      await lead.fill('#sted', MEETING.place);
      // The guardians come checked for a family's meeting: take them off.
      const guardians = lead.locator('#foresatte input[type="checkbox"]');
      assert.ok((await guardians.count()) >= 2, 'both guardians are offered');
      for (let i = 0; i < (await guardians.count()); i++) {
        assert.ok(await guardians.nth(i).isChecked(), 'the guardians are invited to a samarbeidsmøte by default');
        await guardians.nth(i).uncheck();
      }
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Send innkalling', exact: true }).click());
      await checkPage(lead, 'q1-meeting-nobody-invited');
      soft(() => assert.equal(resp.status(), 422, `nobody invited should answer 422, got ${resp.status()}`));
      assert.equal(await text(lead.locator('#ansatte-error')), 'Inviter minst én.');
      assert.equal(await lead.locator('.ds-error-summary a[href="#ansatte"]').count(), 1, 'the error summary links to «Ansatte på laget»');
      assert.equal(await lead.inputValue('#sted'), MEETING.place, 'the place is kept');
      assert.equal(await lead.inputValue('#fra'), MEETING.from, 'the time is kept');

      await lead.locator('#ansatte').getByLabel(`${MEETING.nurseName} (${MEETING.nurseUnit})`, { exact: true }).check();
      await lead.locator('#foresatte').getByLabel(MEETING.guardian, { exact: true }).check();
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Send innkalling', exact: true }).click());
      await checkPage(lead, 'q1-meeting-called');
      assert.equal(resp.status(), 200);
      const m = new URL(lead.url()).pathname.match(new RegExp(`^${MEETING.logHref}/moter/([0-9a-f-]{36})$`));
      assert.ok(m, `calling the meeting should lead to its page, got ${pathOf(lead)}`);
      MEETING.meetingHref = m[0];
      MEETING.meetingId = m[1];
      await expectNotice(lead, 'Innkallingen er sendt.');
      assert.equal(await text(lead.locator('h1')), `Samarbeidsmøte – ${MEETING.child}`);
      const facts = await text(lead.locator('section[aria-labelledby="motet"]'));
      for (const part of [MEETING.place, 'Planlagt', MEETING.leadName]) assert.ok(facts.includes(part), `the meeting shows «${part}»: «${facts}»`);
      const invited = await text(lead.locator('section[aria-labelledby="inviterte"]'));
      for (const part of [MEETING.nurseName, MEETING.guardian, 'Har ikke svart ennå']) assert.ok(invited.includes(part), `«Inviterte» shows «${part}»: «${invited}»`);

      // The e-mail status, as the worker sends after the commit.
      const sent = await waitForMailState(lead, MEETING.nurseName, 'Innkalling', 'Sendt');
      assert.match(sent, /Sendt/);
      const guardianLine = await text(mailRow(lead, MEETING.guardian, 'Innkalling'));
      assert.match(guardianLine, /Ikke sendt – Mottakeren har ingen e-postadresse/, `the guardian has no address: «${guardianLine}»`);
      assert.equal(await lead.getByText('Laget er ikke satt opp for e-post', { exact: false }).count(), 0, 'e-mail is configured for this run');
      await checkPage(lead, 'q1-meeting-mail-sent');

      // The SMTP server got the invitation.
      const uid = `${MEETING.meetingId}@127.0.0.1`;
      const [mail] = await waitForMail(
        (x) => header(x, 'To').includes(MEETING.nurseAddress) && (x.calendars || []).some((c) => c.parsed.events.some((e) => e.uid === uid)),
        `with the invitation to ${MEETING.nurseAddress}`,
      );
      assert.equal(header(mail, 'Subject'), 'Du har fått en innkalling i Laget');
      for (const name of [MEETING.child, MEETING.child.split(' ')[0]]) {
        assert.ok(!header(mail, 'Subject').includes(name), `the subject names the child: «${header(mail, 'Subject')}»`);
        assert.ok(!(mail.text || '').includes(name), `the text names the child: «${mail.text}»`);
      }
      assert.ok((mail.text || '').includes(MEETING.meetingHref), `the text links to the meeting: «${mail.text}»`);
      const inline = mail.calendars.find((c) => !c.filename);
      assert.ok(inline, `a text/calendar part in the message: ${JSON.stringify(mail.calendars.map((c) => c.content_type))}`);
      assert.match(inline.content_type, /^text\/calendar/);
      assert.equal(inline.method_param, 'REQUEST');
      assert.equal(inline.parsed.method, 'REQUEST');
      const event = inline.parsed.events.find((e) => e.uid === uid);
      assert.equal(event.sequence, 0);
      assert.ok(!(event.summary || '').includes(MEETING.child), `the calendar names the child: «${event.summary}»`);
      assert.ok((event.location || '').includes(MEETING.place), `LOCATION is the place: «${event.location}»`);
      assert.ok(mail.attachments.some((a) => a.filename === 'invitasjon.ics'), 'the invitation is attached as invitasjon.ics too');

      // The printable invitation.
      resp = await goto(lead, `${MEETING.meetingHref}/innkalling`, 'q1-invitation-print');
      assert.equal(resp.status(), 200);
      assert.ok((await text(lead.locator('main'))).includes(MEETING.place));
      assert.equal(await lead.locator('main form').count(), 0, 'the print view has no forms');

      // The nurse answers, from the log's list of meetings. (An invitation
      // is a task on «Mine oppgaver» only while the meeting is ahead, and
      // this one began at midnight.)
      const nurseCtx = await newContext();
      try {
        const nurse = await newPage(nurseCtx);
        await login(nurse, MEETING.nurse, DEMO_PASSWORD, 'q1-login-nurse');
        resp = await goto(nurse, MEETING.logHref, 'q1-log-nurse');
        assert.equal(resp.status(), 200, 'the nurse reads the log on the team and the consent');
        const listed = nurse.locator('section[aria-labelledby="moter"] tbody tr');
        assert.equal(await listed.count(), 1, 'the log lists the meeting');
        assert.match(await text(listed), /Samarbeidsmøte.*Planlagt/);
        resp = await loadBy(nurse, () => listed.getByRole('link').first().click());
        await checkPage(nurse, 'q1-meeting-nurse');
        assert.equal(new URL(nurse.url()).pathname, MEETING.meetingHref);
        await nurse.locator('#svar').getByLabel('Kommer', { exact: true }).check();
        resp = await loadBy(nurse, () => nurse.getByRole('button', { name: 'Send svar', exact: true }).click());
        await checkPage(nurse, 'q1-meeting-nurse-answered');
        await expectNotice(nurse, 'Svaret ditt er lagret.');
        assert.match(await text(nurse.locator('section[aria-labelledby="svar-tittel"]')), /Du har svart: Kommer\./);
      } finally {
        await nurseCtx.close();
      }

      // The lead marks the child's voice gathered.
      await goto(lead, MEETING.meetingHref, 'q1-meeting-before-voice');
      assert.match(await text(lead.locator('section[aria-labelledby="inviterte"]')), /Alle tjenestene har svart\./);
      const voice = lead.locator('section[aria-labelledby="stemme"]');
      assert.match(await text(voice), /Hentes inn innen \d\d\.\d\d\.\d{4}/);
      resp = await loadBy(lead, () => voice.getByRole('button', { name: 'Marker at barnets stemme er hentet inn', exact: true }).click());
      await checkPage(lead, 'q1-meeting-voice-gathered');
      await expectNotice(lead, 'Barnets stemme er markert som hentet inn.');
      assert.match(await text(lead.locator('section[aria-labelledby="stemme"]')), /Barnets stemme ble hentet inn/);
      assert.equal(await lead.getByRole('button', { name: 'Marker at barnets stemme er hentet inn' }).count(), 0, 'marked once');
    });

    // q2. After the meeting the lead writes the minutes: a decision without
    // a deadline is refused beside «Frist» (422, the rest kept); the draft
    // is saved with attendance, the child's voice, what was discussed and a
    // decision for the nurse; approved, the minutes are locked, the meeting
    // is «Holdt», and the nurse gets an e-mail about the task.
    await scenario('q2. the lead writes the minutes with a decision for the nurse (no deadline refused beside the field, 422), saves and approves them; the meeting is held and the nurse is sent the task by e-mail', async () => {
      assert.ok(MEETING.meetingHref, 'needs q1 (the meeting)');
      // The minutes wait for the meeting to begin (at most two minutes).
      const wait = MEETING.startsAt.getTime() - Date.now() + 1500;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await goto(lead, MEETING.meetingHref, 'q2-meeting');
      let resp = await loadBy(lead, () => lead.locator('section[aria-labelledby="referatet"]').getByRole('link', { name: 'Skriv referat', exact: true }).click());
      await checkPage(lead, 'q2-minutes-form');
      assert.equal(pathOf(lead), `${MEETING.meetingHref}/referat`);
      assert.equal(await text(lead.locator('h1')), `Referat – ${MEETING.child}`);
      const people = lead.locator('#tilstede fieldset');
      assert.equal(await people.count(), 2, 'attendance for the nurse and the guardian');
      for (let i = 0; i < (await people.count()); i++) {
        await people.nth(i).getByLabel('Til stede', { exact: true }).check();
      }
      await lead.fill('#stemme', MEETING.voice);
      await lead.fill('#droftet', MEETING.discussed);
      await lead.fill('#vedtak_1_tekst', MEETING.decision);
      await lead.selectOption('#vedtak_1_ansvarlig', { label: MEETING.nurseName });
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Lagre utkast', exact: true }).click());
      await checkPage(lead, 'q2-minutes-no-deadline');
      soft(() => assert.equal(resp.status(), 422, `a decision without a deadline should answer 422, got ${resp.status()}`));
      await expectFieldError(lead, 'vedtak_1_frist', 'Dette feltet må fylles ut.');
      assert.equal(await lead.inputValue('#vedtak_1_tekst'), MEETING.decision, 'the decision is kept');
      assert.equal(await lead.inputValue('#stemme'), MEETING.voice, 'the child\'s voice is kept');

      await lead.fill('#vedtak_1_frist', dateIn(14));
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Lagre utkast', exact: true }).click());
      await checkPage(lead, 'q2-minutes-saved');
      assert.ok(resp.status() < 400, `saving the draft answered ${resp.status()}`);
      await expectNotice(lead, 'Utkastet til referat er lagret.');
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Godkjenn referatet', exact: true }).click());
      await checkPage(lead, 'q2-minutes-approved');
      assert.ok(resp.status() < 400, `approving answered ${resp.status()}`);
      await expectNotice(lead, 'Referatet er godkjent. Vedtakene er oppgaver for de ansvarlige, og de inviterte får e-post.');
      MEETING.approved = true;
      assert.equal(await lead.locator('main form textarea#stemme').count(), 0, 'approved minutes are locked');
      const decision = lead.locator('section[aria-labelledby="referatet"] ol li').filter({ hasText: MEETING.decision });
      assert.equal(await decision.count(), 1, 'the decision is in the minutes');
      const d = await text(decision);
      for (const part of [MEETING.nurseName, dateIn(14), 'Ikke utført']) assert.ok(d.includes(part), `the decision shows «${part}»: «${d}»`);

      resp = await goto(lead, `${MEETING.meetingHref}/referat/utskrift`, 'q2-minutes-print');
      assert.equal(resp.status(), 200);
      const printed = await text(lead.locator('main'));
      for (const part of [MEETING.voice, MEETING.decision]) assert.ok(printed.includes(part), `the printed minutes hold «${part}»`);

      await goto(lead, MEETING.meetingHref, 'q2-meeting-held');
      assert.match(await text(lead.locator('section[aria-labelledby="motet"]')), /Holdt/);
      await waitForMailState(lead, MEETING.nurseName, 'Oppgave', 'Sendt');
      const [task] = await waitForMail(
        (x) => header(x, 'To').includes(MEETING.nurseAddress) && header(x, 'Subject') === 'Du har fått en oppgave etter et møte i Laget',
        `about the decision to ${MEETING.nurseAddress}`,
      );
      assert.ok(!(task.text || '').includes(MEETING.decision), 'the e-mail does not quote the decision');
      assert.ok(!(task.text || '').includes(MEETING.child), 'the e-mail does not name the child');
      assert.ok((task.text || '').includes('/mine-oppgaver'), `the e-mail links to «Mine oppgaver»: «${task.text}»`);
    });

    // q3. The nurse finds the decision in «Mine oppgaver», opens it, marks
    // it done (an empty note refused beside the field first), and it leaves
    // the list; the lead sees it done in the minutes.
    await scenario('q3. the nurse signs in, finds the decision in «Mine oppgaver», marks it done (no note refused, 422) and it leaves the list', async () => {
      assert.ok(MEETING.approved, 'needs q2 (approved minutes)');
      const nurseCtx = await newContext();
      try {
        const nurse = await newPage(nurseCtx);
        await login(nurse, MEETING.nurse, DEMO_PASSWORD, 'q3-login-nurse');
        let resp = await loadBy(nurse, () => nurse.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Mine oppgaver', exact: true }).click());
        await checkPage(nurse, 'q3-tasks');
        const task = () => nurse.locator('main tbody tr').filter({ hasText: MEETING.decision });
        assert.equal(await task().count(), 1, 'the decision is a task for the nurse');
        const line = await text(task());
        for (const part of ['Vedtak', MEETING.child, dateIn(14)]) assert.ok(line.includes(part), `the task shows «${part}»: «${line}»`);
        resp = await loadBy(nurse, () => task().getByRole('link', { name: MEETING.child, exact: true }).click());
        await checkPage(nurse, 'q3-decision');
        assert.equal(new URL(nurse.url()).pathname, `${MEETING.meetingHref}/referat`);
        const item = () => nurse.locator('main ol li').filter({ hasText: MEETING.decision });
        const note = item().locator('textarea[name="notat"]');
        const noteId = await note.getAttribute('id');
        resp = await loadBy(nurse, () => item().getByRole('button', { name: 'Marker som utført', exact: true }).click());
        await checkPage(nurse, 'q3-decision-no-note');
        soft(() => assert.equal(resp.status(), 422, `no note should answer 422, got ${resp.status()}`));
        await expectFieldError(nurse, noteId, 'Dette feltet må fylles ut.');
        await nurse.fill(`[id="${noteId}"]`, MEETING.doneNote);
        resp = await loadBy(nurse, () => item().getByRole('button', { name: 'Marker som utført', exact: true }).click());
        await checkPage(nurse, 'q3-decision-done');
        assert.ok(resp.status() < 400, `marking it done answered ${resp.status()}`);
        await expectNotice(nurse, 'Vedtaket er markert som utført.');
        const done = await text(item());
        assert.ok(done.includes(MEETING.doneNote), `the decision shows what was done: «${done}»`);
        assert.ok(!done.includes('Ikke utført'), `the decision is done: «${done}»`);
        MEETING.done = true;

        await goto(nurse, '/mine-oppgaver', 'q3-tasks-after');
        assert.equal(await task().count(), 0, 'a done decision leaves «Mine oppgaver»');
      } finally {
        await nurseCtx.close();
      }
    });

    // q4. The lead records the guardian's rating of the meeting: without a
    // score it is refused beside «Hvor nyttig var møtet» (422); then, at
    // 375 px in a browser without JavaScript, it is recorded and shown in
    // the minutes. The meeting, minutes and rating pages at 375 px pass axe
    // and do not scroll sideways.
    await scenario('q4. the lead records the guardian\'s rating (no score refused, 422), at 375 px without JavaScript; the meeting, minutes and rating pages at 375 px', async () => {
      assert.ok(MEETING.approved, 'needs q2 (approved minutes)');
      await goto(lead, MEETING.meetingHref, 'q4-meeting');
      let resp = await loadBy(lead, () => lead.getByRole('link', { name: 'Registrer vurdering', exact: true }).click());
      await checkPage(lead, 'q4-rating');
      assert.equal(pathOf(lead), `${MEETING.meetingHref}/vurdering`);
      assert.equal(await text(lead.locator('h1')), `Vurdering av møtet – ${MEETING.child}`);
      await lead.locator('#hvem').getByLabel(MEETING.guardian, { exact: true }).check();
      await lead.fill('#kommentar', MEETING.comment);
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Lagre', exact: true }).click());
      await checkPage(lead, 'q4-rating-no-score');
      soft(() => assert.equal(resp.status(), 422, `no score should answer 422, got ${resp.status()}`));
      assert.equal(await text(lead.locator('#poeng-error')), 'Velg et tall fra 1 til 5.');
      assert.equal(await lead.locator('.ds-error-summary a[href="#poeng"]').count(), 1, 'the error summary links to the score');
      assert.equal(await lead.inputValue('#kommentar'), MEETING.comment, 'the comment is kept');
      assert.ok(await lead.locator('#hvem').getByLabel(MEETING.guardian, { exact: true }).isChecked(), 'the rater stays chosen');

      const phoneCtx = await newContext({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false });
      try {
        const phone = await newPage(phoneCtx);
        await login(phone, MEETING.lead, DEMO_PASSWORD, 'q4-login-phone');
        resp = await goto(phone, `${MEETING.meetingHref}/vurdering`, 'q4-phone-rating');
        assert.equal(resp.status(), 200);
        await fitsWidth(phone);
        await phone.locator('#hvem').getByLabel(MEETING.guardian, { exact: true }).check();
        await phone.locator('#poeng input[value="4"]').check();
        await phone.fill('#kommentar', MEETING.comment);
        resp = await loadBy(phone, () => phone.getByRole('button', { name: 'Lagre', exact: true }).click());
        await checkPage(phone, 'q4-phone-rated');
        assert.ok(resp.status() < 400, `recording the rating answered ${resp.status()}`);
        await expectNotice(phone, 'Vurderingen er registrert.');
        await fitsWidth(phone);
        const ratings = await text(phone.locator('section[aria-labelledby="referatet"]'));
        assert.ok(ratings.includes(`${MEETING.guardian}: 4 av 5`), `the rating is shown: «${ratings}»`);
        assert.ok(ratings.includes(MEETING.comment), 'with its comment');

        resp = await goto(phone, MEETING.meetingHref, 'q4-phone-meeting');
        assert.equal(resp.status(), 200);
        await fitsWidth(phone);
        resp = await goto(phone, `${MEETING.meetingHref}/referat`, 'q4-phone-minutes');
        assert.equal(resp.status(), 200);
        await fitsWidth(phone);
        resp = await goto(phone, `${MEETING.meetingHref}/innkalling`, 'q4-phone-invitation-print');
        assert.equal(resp.status(), 200);
        await fitsWidth(phone);
      } finally {
        await phoneCtx.close();
      }

      // The log tells the story.
      await goto(lead, MEETING.logHref, 'q4-log-after');
      const meetingRow = lead.locator('section[aria-labelledby="moter"] tbody tr');
      assert.equal(await meetingRow.count(), 1, 'the log lists the meeting');
      assert.match(await text(meetingRow), /Samarbeidsmøte.*Holdt.*Godkjent/);
      assert.equal(await lead.locator('ol.laget-timeline li').filter({ hasText: MEETING.comment }).count(), 1, 'the rating is on the timeline');
      assert.equal(await lead.locator('ol.laget-timeline li').filter({ hasText: MEETING.doneNote }).count(), 1, 'the done decision is on the timeline');
    });
  } finally {
    await leadCtx.close();
  }
}

// A Norwegian wall clock (Europe/Oslo) for `date`: dd.mm.yyyy and hh:mm.
function oslo(date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  return { day: `${parts.day}.${parts.month}.${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

// The meeting of the path: from the next whole minute but one (1–2 minutes
// ahead) for 45 minutes, ending at 23:59 at the latest; a run that starts
// in the last minutes of a Norwegian day waits for the next one.
function meetingClock(now) {
  let start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 2 * 60_000);
  if (oslo(start).time >= '23:58') start = new Date(start.getTime() + 5 * 60_000);
  const end = new Date(start.getTime() + 45 * 60_000);
  const from = oslo(start);
  const to = oslo(end).day === from.day ? oslo(end).time : '23:59';
  return { day: from.day, from: from.time, to, startsAt: start };
}
