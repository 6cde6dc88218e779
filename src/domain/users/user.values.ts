/** A multi-valued attribute entry (emails, phoneNumbers, ims, photos, ...), stored exactly as sent. */
export interface MultiValued {
  value?: string | null;
  type?: string | null;
  primary?: boolean;
  display?: string | null;
}

export interface Address {
  type?: string | null;
  formatted?: string | null;
  streetAddress?: string | null;
  locality?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  primary?: boolean;
}
