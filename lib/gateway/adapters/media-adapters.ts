/**
 * Which media adapter speaks a provider's wire format (CatalogProvider.wireFormat). OpenAI's
 * images and audio providers use 'openai', like chat.
 */
import type { WireFormat } from '../../catalog/types';
import { assemblyaiTranscription } from './assemblyai';
import { bflImages } from './bfl';
import { deepgramTranscription } from './deepgram';
import { elevenlabsSpeech } from './elevenlabs';
import { ideogramImages } from './ideogram';
import type { ImageAdapter, SpeechAdapter, TranscriptionAdapter } from './media';
import { openaiImages, openaiSpeech, openaiTranscription } from './openai-media';
import { stabilityImages } from './stability';

const IMAGES: Partial<Record<WireFormat, ImageAdapter>> = { openai: openaiImages, stability: stabilityImages, bfl: bflImages, ideogram: ideogramImages };
const SPEECH: Partial<Record<WireFormat, SpeechAdapter>> = { openai: openaiSpeech, elevenlabs: elevenlabsSpeech };
const TRANSCRIPTION: Partial<Record<WireFormat, TranscriptionAdapter>> = {
  openai: openaiTranscription,
  deepgram: deepgramTranscription,
  assemblyai: assemblyaiTranscription,
};

export const imageAdapterFor = (w: WireFormat): ImageAdapter | null => IMAGES[w] ?? null;
export const speechAdapterFor = (w: WireFormat): SpeechAdapter | null => SPEECH[w] ?? null;
export const transcriptionAdapterFor = (w: WireFormat): TranscriptionAdapter | null => TRANSCRIPTION[w] ?? null;
