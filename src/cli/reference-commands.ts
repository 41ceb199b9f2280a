import type { Command } from 'commander';
export function referenceCommands(): Command[] {
  return [];
}
