// express-formidable (which @adminjs/express mounts) ships no type declarations: what panel-form-fields.ts uses.
declare module 'express-formidable' {
  import type { Request, RequestHandler, Response, NextFunction } from 'express';
  interface FormidableEvent {
    event: 'field' | 'file' | 'error' | 'end' | 'progress' | 'fileBegin' | 'aborted';
    action: (req: Request, res: Response, next: NextFunction, ...args: unknown[]) => void;
  }
  function formidableMiddleware(options?: Record<string, unknown>, events?: FormidableEvent[]): RequestHandler;
  export default formidableMiddleware;
}
