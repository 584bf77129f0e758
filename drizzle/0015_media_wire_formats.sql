-- The image, speech and transcription providers become callable (issue 12): their wire formats,
-- and FLUX moves from Replicate to Black Forest Labs' own API. The catalog seed inserts provider
-- rows only once (ON CONFLICT DO NOTHING), so databases seeded before this change are brought
-- in line here. Base URLs and key variables are changed only where they still hold the old seed
-- value (an admin's own setting is kept).
UPDATE providers SET wire_format = 'openai' WHERE id IN ('openai-images', 'openai-audio') AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET wire_format = 'stability' WHERE id = 'stability' AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET api_base_url = 'https://api.stability.ai' WHERE id = 'stability' AND api_base_url = 'https://api.stability.ai/v1';--> statement-breakpoint
UPDATE providers SET wire_format = 'bfl', auth_type = 'api_key', website = 'https://bfl.ai' WHERE id = 'flux' AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET api_base_url = 'https://api.bfl.ai' WHERE id = 'flux' AND api_base_url = 'https://api.replicate.com/v1';--> statement-breakpoint
UPDATE providers SET api_key_env = 'BFL_API_KEY' WHERE id = 'flux' AND api_key_env = 'REPLICATE_API_TOKEN';--> statement-breakpoint
UPDATE providers SET wire_format = 'ideogram', auth_type = 'api_key' WHERE id = 'ideogram' AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET api_base_url = 'https://api.ideogram.ai' WHERE id = 'ideogram' AND api_base_url = 'https://api.ideogram.ai/v1';--> statement-breakpoint
UPDATE providers SET wire_format = 'elevenlabs' WHERE id = 'elevenlabs' AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET wire_format = 'deepgram', auth_type = 'api_key' WHERE id = 'deepgram' AND wire_format = 'none';--> statement-breakpoint
UPDATE providers SET wire_format = 'assemblyai', auth_type = 'api_key' WHERE id = 'assemblyai' AND wire_format = 'none';
