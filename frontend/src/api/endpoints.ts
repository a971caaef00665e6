// One function per API operation (named after its operationId in /schema/openapi.json).
import { query, request } from "./client";
import type {
  Accepted,
  AnswerBody,
  ApiKeyBody,
  ApiKeyScope,
  CreatedApiKeyBody,
  Feedback,
  GroupBody,
  GroupList,
  HistoryPage,
  Scope,
  SearchResults,
  SessionBody,
  ShareLink,
  SharedGroupBody,
  SignedUp,
  TagBody,
  TranscriptBody,
  UserBody,
  VideoBody,
  VideoList,
  VideoStatus,
} from "./types";

// Accounts
export const signUp = (body: { username: string; email: string; password: string }) =>
  request<SignedUp>("/api/auth/signup", { method: "POST", body });
export const verifyEmail = (token: string) =>
  request<UserBody>("/api/auth/verify-email", { method: "POST", body: { token } });
export const resendVerification = (email: string) =>
  request<Accepted>("/api/auth/resend-verification", { method: "POST", body: { email } });
export const logIn = (login: string, password: string) =>
  request<SessionBody>("/api/auth/login", { method: "POST", body: { login, password } });
export const logOut = () => request<Accepted>("/api/auth/logout", { method: "POST" });
export const forgotPassword = (email: string) =>
  request<Accepted>("/api/auth/forgot-password", { method: "POST", body: { email } });
export const resetPassword = (token: string, newPassword: string) =>
  request<Accepted>("/api/auth/reset-password", { method: "POST", body: { token, newPassword } });
export const getMe = () => request<UserBody>("/api/me");
export const updateMe = (username: string) => request<UserBody>("/api/me", { method: "PATCH", body: { username } });
export const changePassword = (currentPassword: string, newPassword: string) =>
  request<Accepted>("/api/me/password", { method: "PUT", body: { currentPassword, newPassword } });
export const setOpenAiKey = (apiKey: string) =>
  request<UserBody>("/api/me/openai-key", { method: "PUT", body: { apiKey } });
export const clearOpenAiKey = () => request<UserBody>("/api/me/openai-key", { method: "DELETE" });
export const deleteMe = (password: string) =>
  request<Accepted>("/api/me/delete", { method: "POST", body: { password } });

// API keys (for the OpenAI-compatible /v1 API, MCP and scripts)
export const listApiKeys = () => request<ApiKeyBody[]>("/api/keys");
export const createApiKey = (name: string, scopes: ApiKeyScope[]) =>
  request<CreatedApiKeyBody>("/api/keys", { method: "POST", body: { name, scopes } });
export const revokeApiKey = (id: string) => request<void>(`/api/keys/${id}`, { method: "DELETE" });

// Tags
export const listTags = () => request<TagBody[]>("/api/tags");
export const createTag = (name: string, color?: string) =>
  request<TagBody>("/api/tags", { method: "POST", body: color ? { name, color } : { name } });
export const deleteTag = (id: string) => request<void>(`/api/tags/${id}`, { method: "DELETE" });
export const attachTag = (videoId: string, tagId: string) =>
  request<TagBody[]>(`/api/videos/${videoId}/tags/${tagId}`, { method: "PUT" });
export const detachTag = (videoId: string, tagId: string) =>
  request<TagBody[]>(`/api/videos/${videoId}/tags/${tagId}`, { method: "DELETE" });

// Videos
export interface VideoFilter {
  search?: string;
  status?: VideoStatus | "";
  /** A tag id: only videos with that tag. */
  tag?: string;
  limit?: number;
  offset?: number;
}
export const listVideos = (filter: VideoFilter = {}) =>
  request<VideoList>(`/api/videos${query({ ...filter })}`);
export const getVideo = (id: string) => request<VideoBody>(`/api/videos/${id}`);
export const editVideo = (id: string, body: { title?: string; description?: string }) =>
  request<VideoBody>(`/api/videos/${id}`, { method: "PATCH", body });
export const deleteVideo = (id: string) => request<void>(`/api/videos/${id}`, { method: "DELETE" });
export const retryVideo = (id: string) => request<VideoBody>(`/api/videos/${id}/retry`, { method: "POST" });
export const getTranscript = (id: string) => request<TranscriptBody>(`/api/videos/${id}/transcript`);

// Library search: full text and meaning over titles, descriptions and transcripts (limit 1–50).
export const searchLibrary = (q: string, limit = 10) => request<SearchResults>(`/api/search${query({ q, limit })}`);

// Addresses the browser loads itself (player, downloads).
export const mediaUrl = (id: string) => `/api/videos/${id}/media`;
export const sharedMediaUrl = (token: string, id: string) =>
  `/api/shared/${encodeURIComponent(token)}/videos/${id}/media`;
export const transcriptUrl = (id: string, format: "srt" | "vtt") => `/api/videos/${id}/transcript.${format}`;

// Questions
function scopeQuery(scope: Scope) {
  return {
    scope: scope.kind,
    videoId: scope.kind === "video" ? scope.videoId : undefined,
    groupId: scope.kind === "group" ? scope.groupId : undefined,
  };
}
export const askQuestion = (question: string, scope: Scope) =>
  request<AnswerBody>("/api/questions", { method: "POST", body: { question, scope } });
export const listQuestions = (scope: Scope, limit = 20, offset = 0) =>
  request<HistoryPage>(`/api/questions${query({ ...scopeQuery(scope), limit, offset })}`);
export const exportQuestionsUrl = (scope: Scope) => `/api/questions/export.csv${query(scopeQuery(scope))}`;
export const giveFeedback = (chatId: string, feedback: Feedback | null) =>
  request<AnswerBody>(`/api/questions/${chatId}/feedback`, { method: "PUT", body: { feedback } });

// Groups
export const listGroups = (limit = 100, offset = 0) => request<GroupList>(`/api/groups${query({ limit, offset })}`);
export const createGroup = (name: string, description: string) =>
  request<GroupBody>("/api/groups", { method: "POST", body: { name, description } });
export const getGroup = (id: string) => request<GroupBody>(`/api/groups/${id}`);
export const editGroup = (id: string, body: { name?: string; description?: string }) =>
  request<GroupBody>(`/api/groups/${id}`, { method: "PATCH", body });
export const deleteGroup = (id: string) => request<void>(`/api/groups/${id}`, { method: "DELETE" });
export const addGroupVideos = (id: string, videoIds: string[]) =>
  request<GroupBody>(`/api/groups/${id}/videos`, { method: "POST", body: { videoIds } });
export const removeGroupVideo = (id: string, videoId: string) =>
  request<GroupBody>(`/api/groups/${id}/videos/${videoId}`, { method: "DELETE" });
export const reorderGroup = (id: string, videoIds: string[]) =>
  request<GroupBody>(`/api/groups/${id}/order`, { method: "PUT", body: { videoIds } });
export const shareGroup = (id: string, expiresInDays: number | null = null) =>
  request<ShareLink>(`/api/groups/${id}/share`, { method: "POST", body: { expiresInDays } });
export const revokeShare = (id: string) => request<void>(`/api/groups/${id}/share`, { method: "DELETE" });

// Guests
export const getSharedGroup = (token: string) =>
  request<SharedGroupBody>(`/api/shared/${encodeURIComponent(token)}`);
