// A statement and its parameters: SQL lives in named functions next to the tables it serves.
export interface Sql {
  text: string;
  values: unknown[];
}
