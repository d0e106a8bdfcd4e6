import { Controller, Get, Header } from '@nestjs/common';
import { STYLESHEET } from '../interaction/views/html';

@Controller('assets')
export class AssetsController {
  @Get('style.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  style() {
    return STYLESHEET;
  }
}
