import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { HealthView } from '../../application/contracts/health.view';
import { HealthService } from './health.service';
import type { HttpResponse } from './http-types';

/** `/health`: open to anyone (load balancers, the console's status page); 503 unless everything is ok. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'HealthView with status ok' })
  @ApiServiceUnavailableResponse({ description: 'HealthView with status degraded or down' })
  async get(@Res({ passthrough: true }) res: HttpResponse): Promise<HealthView> {
    const view = await this.health.check();
    res.status(view.status === 'ok' ? 200 : 503);
    return view;
  }
}
