/**
 * Which invocations run again (`policyReinvokeContext`): an invocation of a policy with reinvocationPolicy
 * IfNeeded is remembered once it ran; when a later invocation changes the object, every one remembered so far
 * is due to run again, once. An invocation's own change does not make it due.
 */
export class ReinvocationContext {
  private previouslyInvoked = new Set<string>();
  private due = new Set<string>();

  /** Whether a second pass has anything to run. */
  get reinvocationNeeded(): boolean {
    return this.due.size > 0;
  }

  shouldReinvoke(key: string): boolean {
    return this.due.has(key);
  }

  invoked(key: string): void {
    this.previouslyInvoked.add(key);
  }

  objectChanged(): void {
    for (const key of this.previouslyInvoked) this.due.add(key);
    this.previouslyInvoked.clear();
  }
}
