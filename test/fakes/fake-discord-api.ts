export { FakeDiscordApi, fakeSnowflake, type RecordedCall, type FailureRule } from '../../src/dev/fake-discord-api.js';
