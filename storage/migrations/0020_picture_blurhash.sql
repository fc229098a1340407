-- A picture's blurhash (hub.Picture.Blurhash), made when it is processed
-- and sent with it to the fediverse. Pictures kept before this have NULL
-- until `commonplace serve` fills them in at start (Service.FillBlurhashes).
ALTER TABLE pictures ADD COLUMN blurhash TEXT;
