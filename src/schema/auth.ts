/**
 * whoAmI and accessReview: a caller's own identity and whether it may do something
 * (src/resolvers/auth.ts). Open to every authenticated caller.
 */
import { accessReview, whoAmI, type AccessReview, type UserInfo } from '../resolvers/auth.js';
import { builder } from './builder.js';

const UserInfoRef = builder.objectRef<UserInfo>('UserInfo').implement({
  description: 'Who the server takes the caller for.',
  fields: (t) => ({
    username: t.exposeString('username'),
    uid: t.exposeString('uid', { nullable: true }),
    groups: t.exposeStringList('groups'),
    authenticated: t.exposeBoolean('authenticated', { description: 'False when the server does not authenticate (everyone may do everything).' }),
  }),
});

const AccessReviewRef = builder.objectRef<AccessReview>('AccessReview').implement({
  fields: (t) => ({
    allowed: t.exposeBoolean('allowed'),
    reason: t.exposeString('reason'),
  }),
});

builder.queryFields((t) => ({
  whoAmI: t.field({ type: UserInfoRef, description: 'Who the caller is: user name and groups.', resolve: (_root, _args, ctx) => whoAmI(ctx) }),
  accessReview: t.field({
    type: AccessReviewRef,
    description: 'Whether the caller may do `verb` on `resource` (in `namespace`, on object `name`); without a namespace, for a namespaced resource: in every namespace.',
    args: {
      verb: t.arg.string({ required: true }),
      resource: t.arg.string({ required: true }),
      namespace: t.arg.string(),
      name: t.arg.string(),
    },
    resolve: (_root, args, ctx) => accessReview(ctx, args),
  }),
}));
