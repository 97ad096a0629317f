import type { Readable } from 'node:stream';
import type { FieldIssue } from '../../domain/errors.js';

/** What an import has done so far. */
export interface ImportReport {
  rows: number;
  accepted: number;
  duplicates: number;
  customers: number;
  /** Set when the import paused before the end: the row to resume at. */
  resumeAt?: number;
}

/** An uploaded history file to import (or the rest of it). */
export interface ImportJob {
  bucket: string;
  key: string;
  /** Set on continuations: the file was validated, and the rows before this one written. */
  resumeAt?: number;
}

export interface UploadReport extends Partial<ImportReport> {
  file: string;
  shopId: string | null;
  status: 'in-progress' | 'done' | 'rejected';
  /** Why nothing was imported: up to 100 problems by row. */
  issues?: FieldIssue[];
  updatedAt: string;
}

export interface UploadStore {
  open(bucket: string, key: string): Promise<Readable>;
  writeReport(bucket: string, key: string, report: UploadReport): Promise<void>;
}

export interface ImportContinuations {
  resumeLater(job: ImportJob): Promise<void>;
}
