import type { DirectoryContext } from '../../domain/context';
import type { RequestState } from '../../http/state';

/** State of a SCIM request once its tenant token is verified. */
export interface ScimState extends RequestState {
  scim: {
    /** The domain context, bound to the tenant the token belongs to. */
    dctx: DirectoryContext;
    /** The tenant's SCIM base URL (the Provisioning URL), for locations and $ref. */
    baseUrl: string;
    /** Request body for the provisioning log (secrets removed later). */
    body?: unknown;
    /** Credential that authenticated the request. */
    credentialId: string;
  };
}

export interface ScimSettings {
  publicUrl: string;
  maxBodyBytes: number;
  maxResults: number;
}
