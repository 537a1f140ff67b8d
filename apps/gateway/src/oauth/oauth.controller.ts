import { Controller, Get, Inject, NotFoundException, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { CompleteInstallUseCase, type CallbackQuery } from './complete-install.use-case';
import {
  CUSTOM_MODE_NOT_CONFIGURED,
  CUSTOM_MODE_SETTINGS,
  type CustomModeSettings,
} from './custom-mode.settings';
import type { InstallPage } from './install-pages';
import { StartInstallUseCase } from './start-install.use-case';

/**
 * Custom-mode Salla install. Both routes answer 404 (JSON, naming the reason) unless the client id, client
 * secret and redirect URL are configured. Nothing is cached: every answer is for one browser, once.
 */
@Controller('oauth/salla')
export class SallaOAuthController {
  constructor(
    @Inject(CUSTOM_MODE_SETTINGS) private readonly settings: CustomModeSettings,
    private readonly startInstall: StartInstallUseCase,
    private readonly completeInstall: CompleteInstallUseCase,
  ) {}

  @Get('install')
  async install(@Res() reply: FastifyReply): Promise<void> {
    this.assertConfigured();
    const result = await this.startInstall.execute();
    if ('page' in result) return sendPage(reply, result.page);
    await reply.header('cache-control', 'no-store').redirect(result.redirectTo, 302);
  }

  @Get('callback')
  async callback(@Query() query: CallbackQuery, @Res() reply: FastifyReply): Promise<void> {
    this.assertConfigured();
    sendPage(reply, await this.completeInstall.execute(query ?? {}));
  }

  private assertConfigured(): void {
    if (!this.settings.enabled) throw new NotFoundException(CUSTOM_MODE_NOT_CONFIGURED);
  }
}

function sendPage(reply: FastifyReply, page: InstallPage): void {
  void reply
    .status(page.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    // The callback URL carries the code: never leak it through a Referer from a link on the page.
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'")
    .send(page.html);
}
