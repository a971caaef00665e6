// The API's shapes, written from its OpenAPI schema (/schema/openapi.json, components.schemas). camelCase on the wire.

export type VideoStatus = "pending" | "processing" | "completed" | "error";
export type Feedback = "good" | "bad";

export interface ErrorBody {
  detail: string;
  code: string;
}

export interface Accepted {
  detail: string;
}

export interface UserBody {
  id: string;
  username: string;
  email: string;
  isActive: boolean;
  videoLimit: number;
  hasOpenaiKey: boolean;
  openaiKeyLast4: string | null;
  createdAt: string;
}

export interface SignedUp {
  detail: string;
  user: UserBody;
}

export interface SessionBody {
  user: UserBody;
  accessExpiresAt: string;
  refreshExpiresAt: string;
}

export interface TagBody {
  id: string;
  name: string;
  /** `#rrggbb` */
  color: string;
  createdAt: string;
}

export type ApiKeyScope = "read" | "ask";

export interface ApiKeyBody {
  id: string;
  name: string;
  /** The secret's first characters, to recognise the key by. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** A new key: its secret is in this response only. */
export interface CreatedApiKeyBody extends ApiKeyBody {
  secret: string;
}

export interface VideoBody {
  id: string;
  title: string;
  description: string;
  status: VideoStatus;
  stage: string;
  progress: number;
  errorMessage: string | null;
  duration: number | null;
  language: string | null;
  sizeBytes: number;
  contentType: string;
  uploadedAt: string;
  /** Filled in listings (`listVideos`); empty elsewhere. */
  tags?: TagBody[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type VideoList = Page<VideoBody>;

export interface WordBody {
  text: string;
  start: number;
  end: number;
}

export interface SegmentBody {
  start: number;
  end: number;
  text: string;
  words: WordBody[];
}

export interface TranscriptBody {
  videoId: string;
  language: string;
  duration: number;
  segments: SegmentBody[];
}

export interface CitationBody {
  videoId: string;
  title: string;
  startSec: number;
  endSec: number;
  text: string;
  score: number;
}

export interface AnswerBody {
  chatId: string;
  question: string;
  answer: string;
  grounded: boolean;
  citations: CitationBody[];
  feedback: Feedback | null;
  shared: boolean;
  createdAt: string;
}

export type HistoryPage = Page<AnswerBody>;

export type Scope =
  | { kind: "video"; videoId: string }
  | { kind: "group"; groupId: string }
  | { kind: "library" };

export interface GroupSummary {
  id: string;
  name: string;
  description: string;
  videoCount: number;
  shared: boolean;
  createdAt: string;
  updatedAt: string;
}

export type GroupList = Page<GroupSummary>;

export interface GroupBody {
  id: string;
  name: string;
  description: string;
  videos: VideoBody[];
  shareToken: string | null;
  shareExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ShareLink {
  token: string;
  path: string;
  expiresAt: string | null;
}

export interface SharedGroupBody {
  name: string;
  description: string;
  videos: VideoBody[];
}

/** A matching stretch of a video (`searchLibrary`): play from `startSec`. */
export interface MomentBody {
  startSec: number;
  endSec: number;
  /** `HH:MM:SS` */
  timestamp: string;
  text: string;
  score: number;
}

/** A video that matched: in its title or description (`matchedText`), in what is said (`moments`), or both. */
export interface SearchHitBody {
  videoId: string;
  title: string;
  description: string;
  status: VideoStatus;
  duration: number | null;
  score: number;
  matchedText: boolean;
  moments: MomentBody[];
}

/** Best first. */
export interface SearchResults {
  query: string;
  items: SearchHitBody[];
}
