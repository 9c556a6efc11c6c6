// The companion tools' names, for both bindings: no SDK type here (the v2 entry's declarations read it).
/** Names of the companion tools, after the prefix. */
export interface CompanionNames {
  status: string;
  wait: string;
  result: string;
  cancel: string;
  list: string;
  respond: string;
}

export function companionNames(prefix: string): CompanionNames {
  return {
    status: `${prefix}task_status`,
    wait: `${prefix}task_wait`,
    result: `${prefix}task_result`,
    cancel: `${prefix}task_cancel`,
    list: `${prefix}task_list`,
    respond: `${prefix}task_respond`,
  };
}
