/** Why a credential was refused; each code becomes a 401 with that code (never the token itself). */
export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_token'
  | 'expired_token'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'bad_signature'
  | 'unsupported_algorithm'
  | 'bad_claims';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
