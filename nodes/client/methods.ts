/** The API's methods. Pure and without imports: the account dialog bundles the list from here. */
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof METHODS)[number];
