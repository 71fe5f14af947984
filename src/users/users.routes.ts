import { Type } from 'typebox';
import { AppError } from '../platform/errors.js';
import { EnvelopeOf, errorResponses } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { WeakPasswordError } from './password-policy.js';
import type { UsersService } from './users.service.js';

const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/**
 * A staff user changes their own password. The new one must pass the password policy in every
 * environment (400 VALIDATION_FAILED naming the rule in `errors[].code`); the credential cache is
 * dropped so the old password stops working at once in this process.
 */
export function registerUserRoutes(app: App, users: UsersService): void {
  app.put(
    '/api/v1/users/me/password',
    {
      config: { auth: 'authenticated' },
      schema: {
        tags: ['使用者'],
        summary: '變更自己的密碼',
        description: 'At least 12 characters, not a published demo password, not a common password, not the username.',
        security: [{ basicAuth: [] }],
        body: ChangePasswordBody,
        response: { 200: EnvelopeOf(Type.Object({ username: Type.String() })), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const username = request.principal?.username ?? '';
      let changed: boolean;
      try {
        changed = await users.changePassword(username, request.body.currentPassword, request.body.newPassword);
      } catch (error) {
        if (!(error instanceof WeakPasswordError)) throw error;
        const { rule, message } = error.problem;
        throw new AppError(
          'VALIDATION_FAILED',
          { zh: `密碼不符合規則 ${rule}`, en: `Password refused (${rule}): ${message}` },
          { errors: [{ field: 'newPassword', code: rule, message }] },
        );
      }
      if (!changed)
        throw new AppError(
          'VALIDATION_FAILED',
          { zh: '目前密碼錯誤', en: 'currentPassword is wrong' },
          { errors: [{ field: 'currentPassword', message: 'does not match' }] },
        );
      app.forgetCredentials();
      return ok(request, { username }, { zh: '密碼已變更', en: 'Password changed' });
    },
  );
}
