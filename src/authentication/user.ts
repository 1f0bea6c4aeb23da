/** The authenticated user (`k8s.io/apiserver/pkg/authentication/user.Info`), shared by every stage that acts for one. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}
