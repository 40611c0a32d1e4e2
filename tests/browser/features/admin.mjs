// Municipality administration (crates/web/src/admin): units, users, roles
// and the review of role grants. Scenarios b, c, d and e2.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { newContext, newPage, checkPage, navigateBy, goto, pathOf, text, focusInfo, expectFieldError, expectNotice, expectOnLogin, login } from '../lib/browser.mjs';
import { DEMO_PASSWORD, MUNICIPALITY, LEADER_UNIT, state, STAFETT } from '../lib/demo.mjs';

// b. kommuneadmin logs in with the keyboard only, and creates and edits a
// unit; c. creates a user (weak password first) and gives a role; d. the new
// user is signed in, and disabling them logs them out at once.
export async function unitsAndUsers({ adminPage }) {
  // b. kommuneadmin logs in with the keyboard only, and creates and edits a unit.
  await scenario('b. kommuneadmin logs in with the keyboard; creates a unit (with a validation error first) and edits it', async () => {
    const page = adminPage;
    await goto(page, '/logg-inn', 'login-keyboard');
    // The first Tab focuses the skip link, and the skip link is visible then.
    await page.locator('body').focus().catch(() => {});
    await page.keyboard.press('Tab');
    let f = await focusInfo(page);
    assert.equal(f.tag, 'a', `the first Tab should focus the skip link, focused <${f.tag}> «${f.text}»`);
    assert.equal(f.text, 'Hopp til hovedinnhold');
    assert.equal(f.href, '#hovedinnhold');
    assert.ok(f.visible, 'the skip link should be visible when it has keyboard focus');
    // Enter on the skip link moves focus to the main content.
    await page.keyboard.press('Enter');
    f = await focusInfo(page);
    assert.equal(f.id, 'hovedinnhold', `Enter on the skip link should move focus to <main id="hovedinnhold">, focus is on <${f.tag}> #${f.id}`);
    // From there, Tab (only) to the user name field.
    let presses = 0;
    while ((f = await focusInfo(page)).id !== 'brukernavn' && presses < 8) {
      await page.keyboard.press('Tab');
      presses++;
    }
    assert.equal(f.id, 'brukernavn', 'Tab never reached the user name field');
    await page.keyboard.type('kommuneadmin');
    await page.keyboard.press('Tab');
    f = await focusInfo(page);
    assert.equal(f.id, 'passord', `Tab from the user name should go to the password, went to <${f.tag}> #${f.id}`);
    await page.keyboard.type(DEMO_PASSWORD);
    await navigateBy(page, () => page.keyboard.press('Enter'));
    await checkPage(page, 'start-kommuneadmin');
    assert.equal(new URL(page.url()).pathname, '/', `after login expected the start page, got ${pathOf(page)}`);
    assert.match(await text(page.locator('h1')), /^Hei, \S.*/);
    assert.equal(await text(page.locator('h1')), 'Hei, Anne Administrator');
    // The first Tab on the start page also lands on the skip link.
    await page.keyboard.press('Tab');
    f = await focusInfo(page);
    assert.equal(f.text, 'Hopp til hovedinnhold', `first Tab on the start page focused <${f.tag}> «${f.text}»`);
    // Designsystemet shows the focused skip link in the flow (position:
    // static), so the page moves down while it has focus and back up when
    // a mouse press blurs it: a click would then land beside its target.
    // Move focus away before going on with the mouse.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());

    await navigateBy(page, () => page.getByRole('link', { name: `Enheter i ${MUNICIPALITY}`, exact: true }).click());
    await checkPage(page, 'units-list');
    const m = new URL(page.url()).pathname.match(/^\/kommuner\/([^/]+)\/enheter$/);
    assert.ok(m, `unexpected units URL ${pathOf(page)}`);
    state.municipalityId = m[1];
    assert.ok((await page.getByRole('link', { name: LEADER_UNIT, exact: true }).count()) === 1, `${LEADER_UNIT} is not in the unit list`);

    await navigateBy(page, () => page.getByRole('link', { name: 'Ny enhet', exact: true }).click());
    await checkPage(page, 'unit-new');
    assert.equal(new URL(page.url()).pathname, `/kommuner/${state.municipalityId}/enheter/ny`);
    // First submit: empty name, a type chosen.
    await page.selectOption('#type', 'skole');
    let resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-new-empty-name');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'navn', 'Dette feltet må fylles ut.');
    assert.equal(await page.inputValue('#type'), 'skole', 'the chosen type should be kept');
    assert.match(await text(page.locator('.ds-error-summary')), /Dette feltet må fylles ut\./);
    // Fix it.
    await page.fill('#navn', state.unitName);
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-created');
    assert.ok(resp.status() < 400, `creating the unit answered ${resp.status()}`);
    await expectNotice(page, 'Enheten er opprettet.');
    if (new URL(page.url()).pathname !== `/kommuner/${state.municipalityId}/enheter`) {
      await goto(page, `/kommuner/${state.municipalityId}/enheter`, 'units-list-after-create');
    }
    const link = page.getByRole('link', { name: state.unitName, exact: true });
    assert.equal(await link.count(), 1, `the new unit «${state.unitName}» is not in the list`);
    const row = page.locator('tr', { has: link });
    assert.match(await text(row), /Skole/, 'the new unit should be listed with type Skole');
    state.unitHref = await link.getAttribute('href');

    // Edit it.
    await navigateBy(page, () => link.click());
    await checkPage(page, 'unit-edit');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/kommuner/${state.municipalityId}/enheter/[^/]+$`));
    assert.equal(await page.inputValue('#navn'), state.unitName);
    assert.equal(await page.inputValue('#type'), 'skole');
    await page.fill('#navn', state.unitNameEdited);
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-saved');
    assert.ok(resp.status() < 400, `saving the unit answered ${resp.status()}`);
    await expectNotice(page, 'Endringene er lagret.');
    if (new URL(page.url()).pathname !== `/kommuner/${state.municipalityId}/enheter`) {
      await goto(page, `/kommuner/${state.municipalityId}/enheter`, 'units-list-after-edit');
    }
    assert.equal(await page.getByRole('link', { name: state.unitNameEdited, exact: true }).count(), 1, 'the edited name is not in the list');
    assert.equal(await page.getByRole('link', { name: state.unitName, exact: true }).count(), 0, 'the old name is still in the list');
  });

  // c. kommuneadmin creates a user (weak password first) and gives a role.
  await scenario('c. kommuneadmin creates a user (weak password refused first) and gives the role Ansatt in a unit', async () => {
    assert.ok(state.municipalityId, 'needs scenario b (municipality id)');
    const page = adminPage;
    await goto(page, '/', 'start-kommuneadmin-again');
    await navigateBy(page, () => page.getByRole('link', { name: `Brukere i ${MUNICIPALITY}`, exact: true }).click());
    await checkPage(page, 'users-list');
    assert.equal(new URL(page.url()).pathname, `/kommuner/${state.municipalityId}/brukere`);
    await navigateBy(page, () => page.getByRole('link', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new');
    const u = state.newUser;
    // An empty form first: every required field gets its error.
    let resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new-empty');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    for (const field of ['navn', 'brukernavn', 'passord']) await expectFieldError(page, field, 'Dette feltet må fylles ut.');
    assert.equal(await page.locator('#epost-error').count(), 0, 'the e-mail is optional');
    await page.fill('#navn', u.name);
    await page.fill('#brukernavn', u.username);
    await page.fill('#epost', u.email);
    await page.fill('#passord', 'passordpassord');
    await page.fill('#passord2', 'passordpassord');
    resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new-weak-password');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'passord', /^Passordet er for lett å gjette\./);
    assert.equal(await page.inputValue('#navn'), u.name, 'the name should be kept');
    assert.equal(await page.inputValue('#brukernavn'), u.username, 'the user name should be kept');
    assert.equal(await page.inputValue('#epost'), u.email, 'the e-mail should be kept');
    assert.equal(await page.inputValue('#passord'), '', 'the password should not be sent back');
    for (const other of ['navn', 'brukernavn', 'epost']) {
      assert.equal(await page.locator(`#${other}-error`).count(), 0, `unexpected error on «${other}»`);
    }
    await page.fill('#passord', u.password);
    await page.fill('#passord2', u.password);
    resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-created');
    assert.ok(resp.status() < 400, `creating the user answered ${resp.status()}`);
    assert.match(new URL(page.url()).pathname, new RegExp(`^/kommuner/${state.municipalityId}/brukere/[^/]+$`));
    state.userHref = new URL(page.url()).pathname;
    await expectNotice(page, 'Brukeren er opprettet.');
    assert.equal(await text(page.locator('h1')), u.name);
    assert.match(await text(page.locator('main')), /Brukeren har ingen roller ennå\./);

    // Give the role «Ansatt» in Solsiden barnehage.
    await page.selectOption('#rolle', { label: 'Ansatt' });
    await page.selectOption('#enhet', { label: LEADER_UNIT });
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Gi rolle', exact: true }).click());
    await checkPage(page, 'user-role-added');
    assert.ok(resp.status() < 400, `adding the role answered ${resp.status()}`);
    await expectNotice(page, 'Rollen er lagt til.');
    const roleRow = page.locator('section[aria-labelledby="roller"] tbody tr').filter({ hasText: LEADER_UNIT });
    assert.equal(await roleRow.count(), 1, `the role in ${LEADER_UNIT} is not listed`);
    assert.match(await text(roleRow), new RegExp(`${LEADER_UNIT}\\s+Ansatt`));

    // The user is in the list.
    await navigateBy(page, () => page.getByRole('link', { name: 'Tilbake: Brukere', exact: true }).click());
    await checkPage(page, 'users-list-with-new-user');
    const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: u.name, exact: true }) });
    assert.equal(await row.count(), 1, 'the new user is not in the user list');
    assert.match(await text(row), new RegExp(`${u.username.replace('.', '\\.')}.*Aktiv`));
  });

  // d. The new user is signed in; disabling them logs them out at once.
  await scenario('d. disabling a signed-in user logs them out at once, and they cannot log in again', async () => {
    assert.ok(state.userHref, 'needs scenario c (the new user)');
    const u = state.newUser;
    const userCtx = await newContext();
    try {
      const userPage = await newPage(userCtx);
      await login(userPage, u.username, u.password, 'login-new-user');
      await checkPage(userPage, 'start-new-user');
      assert.equal(new URL(userPage.url()).pathname, '/', `the new user should land on the start page, got ${pathOf(userPage)}`);
      assert.equal(await text(userPage.locator('h1')), `Hei, ${u.name}`);
      const card = userPage.locator('.ds-card').filter({ hasText: LEADER_UNIT });
      assert.equal(await card.count(), 1, `the start page does not show the membership in ${LEADER_UNIT}`);
      assert.match(await text(card), /Ansatt/);

      // The admin disables the user.
      const page = adminPage;
      await goto(page, state.userHref, 'user-before-disable');
      const resp = await navigateBy(page, () => page.getByRole('button', { name: 'Deaktiver brukeren', exact: true }).click());
      await checkPage(page, 'user-disabled');
      assert.ok(resp.status() < 400, `disabling answered ${resp.status()}`);
      await expectNotice(page, 'Brukeren er deaktivert og logget ut.');
      assert.match(await text(page.locator('main')), /Deaktivert/);
      assert.equal(await page.getByRole('button', { name: 'Aktiver brukeren', exact: true }).count(), 1);

      // The user's next page load lands on the login page.
      await userPage.reload({ waitUntil: 'load' });
      await checkPage(userPage, 'new-user-after-disable');
      await expectOnLogin(userPage);
      const info = await userPage.locator('main [role="status"]').allInnerTexts();
      soft(() => assert.ok(info.some((t) => t.includes('Økten din er utløpt.')), `the login page should say «Økten din er utløpt. Logg inn på nytt.», it says ${JSON.stringify(info)}`));
      // And they cannot log in again.
      const r = await login(userPage, u.username, u.password, 'login-disabled-user');
      await checkPage(userPage, 'login-disabled-user-refused');
      assert.ok(r.status() >= 400, `login of a disabled user answered ${r.status()}`);
      await expectOnLogin(userPage);
      assert.match(await text(userPage.locator('[role="alert"]').first()), /^Feil brukernavn eller passord\.$/);

      // The list shows the user as disabled.
      await goto(page, `/kommuner/${state.municipalityId}/brukere`, 'users-list-disabled');
      const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: u.name, exact: true }) });
      assert.match(await text(row), /Deaktivert/);
    } finally {
      await userCtx.close();
    }
  });
}

// e2. Role grants: nobody gives their own account a role; the unit's leader
// sees who was given one, by whom, and marks it reviewed.
export async function roleGrants({ adminPage, leaderPage }) {
  // e2. DESIGN.md, Access, rules 7 and 8 (issue #9): nobody gives their own
  // account a role; the unit's leader sees who was given one, by whom; a
  // shared unit is changed by its host municipality only.
  await scenario(`e2. kommuneadmin cannot give herself a role (Norwegian message beside the field, choice kept); leder sees in «Tildelte roller» who gave whom a role in ${LEADER_UNIT} and marks it reviewed`, async () => {
    assert.ok(state.municipalityId, 'needs scenario b (municipality id)');
    const page = adminPage;
    await goto(page, `/kommuner/${state.municipalityId}/enheter`, 'units-list-shared');
    // Demo kommune hosts the child welfare service it shares with Nabo kommune.
    const shared = page.locator('tbody tr').filter({ hasText: 'Barnevernstjenesten Demo og Nabo' });
    assert.equal(await shared.count(), 1, 'the shared unit is not in the host\'s list');
    assert.equal(await shared.getByRole('link').count(), 1, 'the host may change the shared unit');
    assert.match(await text(shared), /Nabo kommune/);
    assert.doesNotMatch(await text(shared), /Vertskommune:/, 'the host\'s own units carry no host mark');

    await goto(page, `/kommuner/${state.municipalityId}/brukere`, 'users-list-for-self-grant');
    await navigateBy(page, () => page.getByRole('link', { name: 'Anne Administrator', exact: true }).click());
    await checkPage(page, 'user-self');
    await page.selectOption('#rolle', { label: 'Leder' });
    await page.selectOption('#enhet', { label: LEADER_UNIT });
    const resp = await navigateBy(page, () => page.getByRole('button', { name: 'Gi rolle', exact: true }).click());
    await checkPage(page, 'user-self-grant-refused');
    soft(() => assert.equal(resp.status(), 422, `a refused grant should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'rolle', 'Du kan ikke gi deg selv en rolle. Be en annen administrator om å gjøre det.');
    assert.equal(await page.inputValue('#rolle'), 'leder', 'the chosen role should be kept');
    const roles = page.locator('section[aria-labelledby="roller"] tbody tr').filter({ hasText: LEADER_UNIT });
    assert.equal(await roles.count(), 0, 'the administrator got no role in the unit');

    const lp = leaderPage;
    await goto(lp, '/', 'start-leder-grants');
    const nav = lp.getByRole('navigation', { name: 'Hovedmeny' });
    await navigateBy(lp, () => nav.getByRole('link', { name: 'Tildelte roller', exact: true }).click());
    await checkPage(lp, 'role-grants');
    assert.match(new URL(lp.url()).pathname, /^\/enheter\/[^/]+\/tildelte-roller$/);
    assert.equal(await text(lp.locator('h1')), `Tildelte roller – ${LEADER_UNIT}`);
    assert.equal(await nav.getByRole('link', { name: 'Tildelte roller', exact: true }).getAttribute('aria-current'), 'page');
    const rows = lp.locator('#tildelinger tbody tr');
    // Newest first: the role kommuneadmin gave in scenario c is at the top.
    const first = await text(rows.first());
    assert.match(first, new RegExp(`${state.newUser.name}.*Ansatt.*Anne Administrator`), `the first grant should be scenario c's, it is «${first}»`);
    const demo = rows.filter({ hasText: STAFETT.staff });
    assert.equal(await demo.count(), 1, `${STAFETT.staff}'s role is not listed`);
    assert.match(await text(demo), /Operatør \(kommandolinjen\)/, 'demo roles were given at the console');
    const mine = rows.filter({ hasText: state.newUser.name });
    await navigateBy(lp, () => mine.getByRole('button', { name: /^Marker som gjennomgått/ }).click());
    await checkPage(lp, 'role-grants-reviewed');
    await expectNotice(lp, 'Tildelingen er markert som gjennomgått.');
    const reviewed = lp.locator('#tildelinger tbody tr').filter({ hasText: state.newUser.name });
    assert.match(await text(reviewed), new RegExp(`\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d, ${STAFETT.leader}`));
    assert.equal(await reviewed.getByRole('button').count(), 0, 'a reviewed grant has no button');
  });
}
