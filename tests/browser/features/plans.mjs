// Individual plans (issue #13, P1): placeholder while the pages land.
export async function plans() {}
