export * from './erasure-request.handler';
export * from './privacy-participant.module';
export * from './store-data-eraser';
