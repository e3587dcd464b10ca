import { createContext, useContext, type Child } from "hono/jsx";
import { grants, type Principal, type Role } from "../../access/roles.ts";

/**
 * The roles of whoever a page is rendered for, so the nav and a few buttons offer only what they may use.
 * Display only: every route still checks its own role (front/route-access.ts).
 */
const ViewerRoles = createContext<readonly Role[]>([]);

/** Wraps a page so its layout and buttons know the viewer's roles (a page rendered without it shows none). */
export function forViewer(principal: Principal | null, page: Child) {
  return <ViewerRoles.Provider value={principal?.roles ?? []}>{page}</ViewerRoles.Provider>;
}

export function useGrants(role: Role): boolean {
  return grants(useContext(ViewerRoles), role);
}

/** Its children only for a viewer holding `role`. */
export function ForRole(props: { role: Role; children: Child }) {
  return useGrants(props.role) ? <>{props.children}</> : null;
}
